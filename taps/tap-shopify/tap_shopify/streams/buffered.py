"""Child streams whose records arrive inside their parent's pages (shared: tap_common.children)."""

from tap_common.children import BufferedChildStream, PageBuffers

__all__ = ["BufferedChildStream", "PageBuffers"]
