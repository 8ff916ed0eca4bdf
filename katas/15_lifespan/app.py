"""Kata 15: lifespan. Edit this file until `python -m checker check 15` passes.

The README next to this file is the contract. The app works, but it loads its model with the
deprecated `@app.on_event` handlers: move that into a `lifespan` and keep the behaviour.
"""

from fastapi import FastAPI, HTTPException, Query

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


app = FastAPI(title="Bookshop recommendations")

model: RecommendationModel | None = None


@app.on_event("startup")
def load_model() -> None:
    global model
    model = RecommendationModel()


@app.on_event("shutdown")
def close_model() -> None:
    if model is not None:
        model.close()


@app.get("/books/{book_id}/recommendations")
def recommendations(book_id: int, limit: int = Query(3, ge=1, le=10)):
    if model is None:
        raise HTTPException(status_code=503, detail="Model not loaded")
    return {"book_id": book_id, "recommendations": model.recommend(book_id, limit)}
