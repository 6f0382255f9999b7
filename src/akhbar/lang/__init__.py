"""Arabic language data: plain constant modules and lexicon files (no logic beyond loading).

Modelled on spaCy's ``lang/ar`` layout: character classes in :mod:`akhbar.lang.ar_chars`, clitic inventory
in :mod:`akhbar.lang.ar_clitics`, corpus-counted word frequencies in ``ar_lexicon.tsv.gz``.
"""
