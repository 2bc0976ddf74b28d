"""getFile: a stored file's File object with the path to download it from."""

from __future__ import annotations

from typing import Any

from ..errors import bad_request
from ..files import MAX_DOWNLOAD_SIZE
from .context import Context, Handler


async def get_file(ctx: Context) -> dict[str, Any]:
    file_id = ctx.params.str("file_id")
    if not file_id:
        raise bad_request("file_id not specified")
    stored = ctx.state.files.get(file_id)
    if stored is None:
        raise bad_request("invalid file_id")
    if stored.file_size > MAX_DOWNLOAD_SIZE:
        raise bad_request("file is too big")
    return {**stored.json(), "file_path": ctx.state.files.path_of(stored)}


METHODS: dict[str, Handler] = {"getFile": get_file}
