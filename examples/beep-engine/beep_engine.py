"""Example engine plug-in: a 0.2 s beep per character. A vendor's engine calls its client in render."""
import math

from audiobulletin.speech.engine import Clip, CommercialUse, Engine, EngineInfo, Terms, VoiceInfo

BEEP = b"".join(round(6000 * math.sin(math.pi * n / 30)).to_bytes(2, "little", signed=True) for n in range(4800))


class BeepEngine(Engine):
    name = "beep"
    info = EngineInfo(name="beep", label="提示音", voices=(VoiceInfo("a440", "zh-CN", roles=("body",)),),
                      output="24 kHz 16-bit mono PCM", word_boundaries=False,
                      terms=Terms(CommercialUse.ALLOWED, "example code, public domain", "https://example.org/terms"))

    def version(self) -> str:
        return "beep/1"

    def render(self, requests, on_result):
        for request in requests:  # one result per request: a Clip, or a SpeechError for that segment
            on_result(request, Clip(BEEP * len(request.text), 24000, engine=self.name))
