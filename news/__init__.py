"""The engine: feeds in, stories out. No Telegram, no SQL, no clock (`now` is an argument); pure but for fetch (and
urlguard's resolver, and parse_worker's pipe).

    fetch.py      the only feed HTTP: conditional GET, caps, timeouts, redirects (FetchError tree)
    headers.py    header values read strictly and bounded; inflate.py: gzip/deflate in bounded steps
    urlguard.py   where a redirect may lead, checked on the address connected to
    parse.py      feed bytes -> raw entries (xmlsafe.py: no entities, no DTD); normalize.py: -> clean articles
    parse_worker.py  the process app.parsing runs parse + normalize in (time and memory limits)
    schedule.py   when to poll a feed next
    sources.py    the outlet table (bias, factuality, aggregators), who an article is credited to; opml.py: feed lists
    words.py      the tokenizer and the stemming rules
    cluster/      articles -> stories (online assignment, parameters, terms, candidate index)
    embed.py      optional sentence embeddings (the `embeddings` extra)
    summarize.py  a story's card: headline, dateline, bullets; coverage.py: who covers it; rank.py: how big
    topics.py     what a chat follows, matched against a story
    types.py      the plain values shared with storage and the application
"""
