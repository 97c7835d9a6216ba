"""Small facts every handler reads from a request or writes into an answer."""

from __future__ import annotations

from urllib.parse import urlsplit

import azure.functions as func
from pydantic import BaseModel

# Set by App Service Authentication (Easy Auth) to the signed-in caller; calls with a function key have none.
PRINCIPAL_HEADER = "x-ms-client-principal-name"


def principal(req: func.HttpRequest) -> str:
    return req.headers.get(PRINCIPAL_HEADER) or "api"


def api_base(req: func.HttpRequest) -> str:
    url = urlsplit(req.url)
    return f"{url.scheme}://{url.netloc}/api"


def model_response(model: BaseModel, status: int = 200) -> func.HttpResponse:
    return func.HttpResponse(model.model_dump_json(by_alias=True), status_code=status, mimetype="application/json")
