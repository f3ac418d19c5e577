"""The strategy site: the model rendered as Markdown pages (`render`), the metrics
one-pager and check-in charts drawn as SVG by our own code (`svg`), and the MkDocs build
that turns the pages, plus the repository's hand-written ones, into a static site that
works offline (`build`, `serve`).

Everything that comes from YAML is untrusted: `escape` turns it into text that no
Markdown extension, HTML parser or template can read as markup."""
