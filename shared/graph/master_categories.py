"""A mailbox's Outlook master category list (`/users/{id}/outlook/masterCategories`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from shared.graph.client import GraphClient
from shared.graph.paths import segment


class MasterCategory(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    display_name: str
    color: str = "none"


class MasterCategoryService:
    def __init__(self, client: GraphClient) -> None:
        self._client = client

    def list(self, user: str) -> list[MasterCategory]:
        items = self._client.iter_pages(f"/users/{segment(user)}/outlook/masterCategories", mailbox=user)
        return [
            MasterCategory(id=str(item.get("id") or ""), display_name=str(item.get("displayName") or ""),
                           color=str(item.get("color") or "none"))
            for item in items
            if isinstance(item, dict) and item.get("displayName")
        ]

    def create(self, user: str, display_name: str, color: str = "preset0") -> MasterCategory:
        body = self._client.request("POST", f"/users/{segment(user)}/outlook/masterCategories", mailbox=user,
                                    json={"displayName": display_name, "color": color}) or {}
        return MasterCategory(id=str(body.get("id") or ""), display_name=str(body.get("displayName") or display_name),
                              color=str(body.get("color") or color))
