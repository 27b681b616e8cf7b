"""One exception family. The CLI turns each into a one-line message and its exit code."""

from __future__ import annotations


class AudioBulletinError(Exception):
    """Base class: a problem the user can act on. `exit_code` is documented in the README."""

    exit_code = 1

    def __init__(self, message: str, *, where: str | None = None, hint: str | None = None):
        self.message, self.where, self.hint = message, where, hint
        super().__init__(self.one_line())

    def one_line(self) -> str:
        parts = [f"{self.where}: {self.message}" if self.where else self.message]
        if self.hint:
            parts.append(self.hint)
        return " — ".join(parts)


class InputError(AudioBulletinError):
    """The edition file (or another input) is missing, unreadable or holds no article."""

    exit_code = 2


class NoEditionError(InputError):
    """The drop folder holds no edition for the date yet: nothing to do, not a failure."""

    exit_code = 9


class ConfigError(AudioBulletinError):
    """Settings or a voice profile are invalid. `setting` names the setting at fault, so the
    command line can say where its value came from (a flag, the environment, the config file)."""

    exit_code = 3

    def __init__(self, message: str, *, where: str | None = None, hint: str | None = None,
                 setting: str | None = None):
        self.setting = setting
        super().__init__(message, where=where, hint=hint)


class SpeechError(AudioBulletinError):
    """A speech engine could not produce audio (after retries and fallback)."""

    exit_code = 4


class AudioError(AudioBulletinError):
    """Assembly, mastering or encoding failed (ffmpeg, tags)."""

    exit_code = 5


class PublishError(AudioBulletinError):
    """Writing the feed or published files failed; the previous publication is untouched."""

    exit_code = 6


class LockedError(PublishError):
    """Another `generate` run holds the output folder."""

    exit_code = 7


class EngineNotReady(AudioBulletinError):
    """`doctor` found that the configured engine cannot run (its hint is the fix)."""

    exit_code = 8


class ClusterError(AudioBulletinError):
    """The Dask cluster cannot be used: its scheduler does not answer, it has no workers, or its
    workers do not see the folders the batch writes."""

    exit_code = 12
