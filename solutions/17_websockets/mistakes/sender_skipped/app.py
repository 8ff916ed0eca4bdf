"""Broadcasts skip the sender, so a member never sees their own message or join."""

from fastapi import FastAPI, WebSocket, WebSocketDisconnect, status

app = FastAPI(title="Book club chat")

# Access tokens the login service handed out: token -> username. The specs write their own.
TOKENS: dict[str, str] = {
    "tok-ada-7f3a": "ada",
    "tok-grace-91c2": "grace",
}


class ConnectionManager:
    """Who is connected to which room: room -> {websocket: username}, for this process only."""

    def __init__(self) -> None:
        self.rooms: dict[str, dict[WebSocket, str]] = {}

    async def connect(self, room: str, websocket: WebSocket, user: str) -> None:
        await websocket.accept()
        self.rooms.setdefault(room, {})[websocket] = user

    def disconnect(self, room: str, websocket: WebSocket) -> None:
        members = self.rooms.get(room, {})
        members.pop(websocket, None)
        if not members:
            self.rooms.pop(room, None)

    def members(self, room: str) -> list[str]:
        return sorted(self.rooms.get(room, {}).values())

    async def broadcast(self, room: str, message: dict, sender: WebSocket | None = None) -> None:
        for websocket in list(self.rooms.get(room, {})):
            if websocket is not sender:  # "they know what they said"
                await websocket.send_json(message)


manager = ConnectionManager()


@app.websocket("/ws/echo")
async def echo(websocket: WebSocket):
    await websocket.accept()
    try:
        while True:
            text = await websocket.receive_text()
            await websocket.send_text(text)
    except WebSocketDisconnect:
        pass  # the client hung up: a normal end, not an error


@app.websocket("/ws/rooms/{room}")
async def chat_room(websocket: WebSocket, room: str, token: str | None = None):
    user = TOKENS.get(token) if token else None
    if user is None:
        # Closing before accept() refuses the handshake: uvicorn answers the upgrade with HTTP 403
        # (no close frame exists yet, so the client never sees 1008, "policy violation").
        await websocket.close(code=status.WS_1008_POLICY_VIOLATION)
        return
    await manager.connect(room, websocket, user)
    await manager.broadcast(room, {"type": "join", "user": user}, sender=websocket)
    try:
        while True:
            text = await websocket.receive_text()
            await manager.broadcast(
                room, {"type": "message", "user": user, "text": text}, sender=websocket
            )
    except WebSocketDisconnect:
        # Remove first, then tell the others: never send to a socket that is gone.
        manager.disconnect(room, websocket)
        await manager.broadcast(room, {"type": "leave", "user": user})


@app.get("/rooms/{room}/members")
def room_members(room: str):
    return {"room": room, "members": manager.members(room)}
