"""The importer's writers, one a file of the bundle (or a few like files); importer.py drives them."""
