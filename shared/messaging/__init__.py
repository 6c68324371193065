"""Messaging: unit of work, outbox and its relay, the consumer ledger, the DLQ, and the
consuming loops, on kafka-python and Faust."""
