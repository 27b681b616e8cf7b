"""The newsroom's review desk: what each voice will say, safe lexicon fixes, one segment at a time.

On top of the stages (beside pipeline and cli): `readings` gives every segment's written text,
spoken text and engine input with and without the lexicon; `desk` previews and saves lexicon
entries; `server` is the local web page of `audiobulletin review`.
"""
