"""The story card builder under its old name: bot/ imports `build_story_view` from here.

Kept while bot/ is being rewritten; new code imports news.summary, and this module goes once nothing uses it.
"""

from news.summary import build_story_view

__all__ = ["build_story_view"]
