"""The registry of telemetry sources: each module holds its settings, its live source and its bundle readers.

The bot's settings take a cluster's source blocks from here, live collection builds the sources from
here, and a bundle's folders are read by the readers here. Adding a source is its module and one line.
"""

from __future__ import annotations

from collectors import cloud_logging, cloud_monitoring, cloudwatch, kubernetes, loki, prometheus, tempo
from collectors.base import Reader, SourceKind, TextReader

SOURCES: dict[str, SourceKind] = {
    kind.name: kind
    for kind in (
        prometheus.SOURCE,
        loki.SOURCE,
        cloudwatch.SOURCE,
        kubernetes.SOURCE,
        cloud_logging.SOURCE,
        cloud_monitoring.SOURCE,
        tempo.SOURCE,
    )
}
# bundle folder -> reader, in the order a bundle is read
READERS: dict[str, Reader] = {folder: read for kind in SOURCES.values() for folder, read in kind.readers.items()}
# bundle folder -> the reader of its files' text, for folders whose files can be read a part at a time
TEXT_READERS: dict[str, TextReader] = {
    folder: read for kind in SOURCES.values() for folder, read in kind.text_readers.items()
}
