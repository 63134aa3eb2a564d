import re
import unicodedata


def slugify(text, max_length=50)
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_only.lower()).strip("-")
    if len(slug) <= max_length:
        return slug
    head = slug[: max_length + 1]
    cut = head.rfind("-")
    if cut > 0:
        return head[:cut].strip("-")
    return slug[:max_length].strip("-")
