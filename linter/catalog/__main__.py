"""`python -m glmlint.catalog`: regenerate the data files' JSON twins (`glmlint.catalog.main`)."""
from glmlint.catalog import main

raise SystemExit(main())
