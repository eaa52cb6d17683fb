"""The digest outbox in SQL (app.delivery is its use): deliveries.py has the rows, their states and the claim of
due chats; leases.py which process holds a row, and the recovery of a dead process's rows."""
