"""The Telegram edge: the running process and everything that speaks the Bot API.

    runtime.py   Runtime: the composition root (Core + Application + handlers + jobs + digest workers)
    cli.py       the `storybot` command; commands.py: what each subcommand does
    jobs.py      JobQueue ticks that only pick work
    handlers/    parse an update, call one use case, render the answer
    render.py    story cards and digests as Telegram HTML; chart.py: the coverage chart
    sender.py    pacing, and Telegram's errors translated into app.delivery.sending's
    throttle.py  per-user flood control; progress.py: operator output
"""
