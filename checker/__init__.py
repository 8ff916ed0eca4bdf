"""The FastAPI Katas checker: runs each kata's hidden specs against an implementation."""
