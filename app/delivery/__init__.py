"""Digest delivery: how a digest is sent, in one package; a followed story's update (app.follows) is an outbox row
built before it is written (storage.outbox.messages) and sent by the same workers. Read the modules in this order:

    claims.py    which chats are due: a compare-and-set on chats.next_digest_at writes one outbox row per
                 scheduled instant (the period key), in the claiming transaction
    worker.py    DigestDelivery: the tick claims, a bounded pool of workers builds each row's digest once and
                 sends it part by part; recovery at start; drain on SIGTERM; what each send error does
    pool.py      the bounded pool of asyncio workers under DigestDelivery (queue of row ids, retries later)
    leases.py    each row is held by the process that claimed it; a dead process's rows are taken over
    repairs.py   what a failed send changes besides the row (chat gone, moved, forum topic gone)
    sending.py   the Sender protocol a messenger implements and the errors a send can end in
    policy.py    DeliveryPolicy: pool size, retries, budgets, leases, from Settings

Its SQL is storage/outbox/ (the rows and their states, the leases); the Telegram side is bot/sender.py
(TelegramSender: errors translated once) over bot/pace.py (the send pace, every constant in one place).
"""

from app.delivery.policy import DeliveryPolicy, delivery_policy
from app.delivery.worker import DigestDelivery

__all__ = ["DeliveryPolicy", "DigestDelivery", "delivery_policy"]
