"""Story clustering: each article joins the best open story or starts one (pure: no I/O, no clock).

    online.py     OnlineClusterer: assignment, merges, refinement passes, restore after a restart
    refine.py     refinement: regroup the open window (agglomerative, over graph.py's k-NN graph)
    identity.py   refinement's groups -> stories, ids kept stable (merges, splits)
    stream.py     a record stream through the whole path, paced by `published` (cluster-file, benches)
    params.py     ClusterParams: every tunable, with the defaults chosen on the dev sets
    text.py       headline + lead -> weighted terms (names, numbers, amounts)
    terms.py      TF-IDF with a rolling IDF window
    index.py      the inverted index over open stories' centroids (candidate retrieval)
    sparse.py     sparse vector arithmetic
    centroids.py  embedding centroids of open stories (hybrid mode; imports numpy)

Import the public names from here; the modules are the package's own business.
"""

from news.cluster.identity import Revision
from news.cluster.online import DEFAULT_PARAMS, OnlineClusterer
from news.cluster.params import ClusterParams, Regime, params_with
from news.cluster.stream import StreamResult, cluster_records, cluster_stream

__all__ = ["DEFAULT_PARAMS", "ClusterParams", "OnlineClusterer", "Regime", "Revision", "StreamResult",
           "cluster_records", "cluster_stream", "params_with"]
