"""A user's suggestion rules, one row per rule in the user's partition."""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import Any

from shared.domain.suggestion_rules import RuleConditions, SuggestionRule
from shared.storage.codec import as_datetime, from_json, to_json, without_none
from shared.storage.keys import user_key
from shared.storage.query import Filter, all_entities
from shared.storage.table_adapter import TableAdapter
from shared.storage.tables import read_entity, write_entity

RULES_TABLE = "SuggestionRules"


def rule_to_entity(rule: SuggestionRule) -> dict[str, Any]:
    return without_none({
        "PartitionKey": user_key(rule.user),
        "RowKey": rule.id,
        "user": rule.user,
        "position": rule.position,
        "category": rule.category,
        "conditions": to_json(rule.conditions.model_dump(mode="json")),
        "enabled": rule.enabled,
        "created_at": rule.created_at,
        "created_by": rule.created_by,
        "updated_at": rule.updated_at,
    })


def rule_from_entity(entity: Mapping[str, Any]) -> SuggestionRule:
    return SuggestionRule(
        id=entity["RowKey"], user=entity["user"], position=int(entity["position"]), category=entity["category"],
        conditions=RuleConditions.model_validate(from_json(entity.get("conditions"), {})),
        enabled=bool(entity.get("enabled", True)), created_at=as_datetime(entity["created_at"]),  # type: ignore[arg-type]
        created_by=entity.get("created_by", ""), updated_at=as_datetime(entity.get("updated_at")),
    )


class TableSuggestionRuleRepository(TableAdapter):
    TABLE = RULES_TABLE

    def list(self, user: str) -> builtins.list[SuggestionRule]:
        """In the order they apply."""
        where = Filter().where("PartitionKey", "eq", user_key(user))
        rules = [rule_from_entity(e) for e in all_entities(self._table(), where)]
        return sorted(rules, key=lambda r: (r.position, r.created_at))

    def get(self, user: str, rule_id: str) -> SuggestionRule | None:
        entity = read_entity(self._table(), user_key(user), rule_id)
        return rule_from_entity(entity) if entity else None

    def save(self, rule: SuggestionRule) -> SuggestionRule:
        write_entity(self._table(), rule_to_entity(rule))
        return rule

    def delete(self, user: str, rule_id: str) -> bool:
        table = self._table()
        if read_entity(table, user_key(user), rule_id) is None:
            return False
        table.delete_entity(user_key(user), rule_id)
        return True
