"""The lifespan closes the model by hand inside `with`, so shutdown calls close() twice."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Query, Request

# Which books were bought together: the "training data" the model loads.
CO_PURCHASES: dict[int, list[int]] = {
    1: [4, 2, 7, 9],
    2: [1, 7],
    4: [1, 9, 2],
}


class RecommendationModel:
    """Stands in for an expensive model: loading it is slow and holds memory until close().

    Keep this class as it is: the specs replace it with a subclass that counts instances.
    """

    def __init__(self) -> None:
        self.closed = False
        self._table = {book: list(similar) for book, similar in CO_PURCHASES.items()}

    def recommend(self, book_id: int, limit: int) -> list[int]:
        if self.closed:
            raise RuntimeError("RecommendationModel is closed")
        return self._table.get(book_id, [])[:limit]

    def close(self) -> None:
        self.closed = True
        self._table = {}

    def __enter__(self) -> "RecommendationModel":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    with RecommendationModel() as model:
        app.state.model = model
        yield
        model.close()


app = FastAPI(title="Bookshop recommendations", lifespan=lifespan)


@app.get("/books/{book_id}/recommendations")
def recommendations(request: Request, book_id: int, limit: int = Query(3, ge=1, le=10)):
    model: RecommendationModel = request.app.state.model
    return {"book_id": book_id, "recommendations": model.recommend(book_id, limit)}
