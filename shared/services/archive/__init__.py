"""The daily archive use case: contracts between the orchestrator and its activities, and the activities."""
