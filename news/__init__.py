"""The engine: feeds in, stories out. No Telegram, no SQL, no clock (`now` is an argument); pure but for fetch.

    fetch.py      the only feed HTTP: conditional GET, caps, timeouts, redirects (FetchError tree)
    parse.py      feed bytes -> raw entries; normalize.py: -> clean articles
    schedule.py   when to poll a feed next
    sources.py    the outlet table (bias, factuality); opml.py: feed lists; urlguard.py: private-address checks
    words.py      the tokenizer and the stemming rules
    cluster/      articles -> stories (online assignment, parameters, terms, candidate index)
    embed.py      optional sentence embeddings (the `embeddings` extra)
    summarize.py  a story's card: headline, dateline, bullets; coverage.py: who covers it; rank.py: how big
    topics.py     what a chat follows, matched against a story
    types.py      the plain values shared with storage and the application
"""
