"""The authors routes. Move them here from app.py."""

from fastapi import APIRouter

router = APIRouter()
