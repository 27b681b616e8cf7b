"""Run by the concurrency test as several processes at once: store ROUNDS different clips under
one cache KEY, as fast as possible. Usage: python cache_writer.py CACHE_DIR KEY WRITER ROUNDS"""

import sys
from pathlib import Path

from audiobulletin.speech.cache import SpeechCache
from audiobulletin.speech.engine import SpeechRequest
from audiobulletin.speech.voice import Clip, Voice


def clip(writer: int, round_: int) -> Clip:
    """A clip whose every sample names its writer and round, 0.5 s at 24 kHz."""
    sample = (writer * 1000 + round_) % 32768
    return Clip(sample.to_bytes(2, "little") * 12000, 24000, engine=f"writer-{writer}")


if __name__ == "__main__":
    root, key, writer, rounds = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    cache = SpeechCache(root)
    request = SpeechRequest(0, "同一条缓存被几个进程同时写入。", Voice("offline", "tone"))
    for round_ in range(rounds):
        cache.put(key, clip(writer, round_), request, made_by="cache_writer")
