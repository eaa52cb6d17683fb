"""Story clustering: each article joins the best open story or starts one (pure: no I/O, no clock).

    online.py     OnlineClusterer: assignment, merges, restore after a restart; cluster_records for files
    params.py     ClusterParams: every tunable, with the defaults chosen on the dev sets
    text.py       headline + lead -> weighted terms (names, numbers, amounts)
    terms.py      TF-IDF with a rolling IDF window
    index.py      the inverted index over open stories' centroids (candidate retrieval)
    sparse.py     sparse vector arithmetic
    centroids.py  embedding centroids of open stories (hybrid mode; imports numpy)

Import the public names from here; the modules are the package's own business.
"""

from news.cluster.online import DEFAULT_PARAMS, OnlineClusterer, cluster_records
from news.cluster.params import ClusterParams, Regime, params_with

__all__ = ["DEFAULT_PARAMS", "ClusterParams", "OnlineClusterer", "Regime", "cluster_records", "params_with"]
