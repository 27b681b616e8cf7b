"""The shipped voice profile (default.toml) and lexicon (lexicon.toml): package data, installed as
audiobulletin/voices/ (see setup.py); a voices/ folder beside the config file overrides them."""
