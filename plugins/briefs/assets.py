"""Copy the images briefs and authors refer to, wherever they sit in content/.

Pelican's StaticGenerator copies `content/images/` already; an image kept
elsewhere (beside its brief, say) is copied here to the same relative path,
so `image:` works with any path under content/, as the contract says.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from .site import site_of


def referenced_images(site) -> set[str]:
    images = {
        brief.image
        for brief in site.collection.briefs.values()
        if brief.image and (site.show_drafts or not brief.is_draft)
    }
    images.update(a.photo for a in site.collection.registry.authors if a.photo)
    return images


def copy_referenced_images(pelican) -> None:
    site = site_of(pelican.settings)
    output = Path(pelican.output_path)
    for relative in sorted(referenced_images(site)):
        target = output / relative
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(site.collection.content_dir / relative, target)
