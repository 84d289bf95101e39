"""StreamField blocks for lesson bodies."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock


class CalloutBlock(blocks.StructBlock):
    tone = blocks.ChoiceBlock(
        choices=[
            ("info", _("Note")),
            ("warning", _("Warning")),
            ("key", _("Key point")),
        ],
        default="info",
        label=_("tone"),
    )
    title = blocks.CharBlock(required=False, label=_("title"))
    text = blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul"])

    class Meta:
        icon = "warning"
        label = _("Callout")
        template = "courses/blocks/callout.html"


class DocumentDownloadBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("document"))
    label = blocks.CharBlock(required=False, label=_("link text"))

    class Meta:
        icon = "doc-full"
        label = _("Document download")
        template = "courses/blocks/document.html"


class VideoBlock(blocks.StructBlock):
    """A video uploaded as a document (mp4/webm) and played in the page:
    no external hosting."""

    video = DocumentChooserBlock(
        label=_("video file"), help_text=_("Upload an .mp4 or .webm file.")
    )
    poster = ImageBlock(required=False, label=_("poster image"))
    caption = blocks.CharBlock(required=False, label=_("caption"))

    class Meta:
        icon = "media"
        label = _("Video")
        template = "courses/blocks/video.html"


class LessonBodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(
        label=_("Rich text"),
        features=["h2", "h3", "bold", "italic", "link", "ol", "ul", "hr"],
    )
    image = ImageBlock(label=_("Image"), template="courses/blocks/image.html")
    document = DocumentDownloadBlock()
    video = VideoBlock()
    callout = CalloutBlock()


def stream_plain_text(stream) -> str:
    """The words of a lesson body, for search: rich text stripped of tags,
    captions and callouts, one block per line."""
    from django.utils.html import strip_tags

    parts = []
    for block in stream:
        value = block.value
        if block.block_type == "paragraph":
            parts.append(strip_tags(value.source))
        elif block.block_type == "callout":
            parts.append(value.get("title") or "")
            parts.append(strip_tags(value["text"].source))
        elif block.block_type == "video":
            parts.append(value.get("caption") or "")
        elif block.block_type == "document":
            parts.append(value.get("label") or "")
    return "\n".join(p for p in parts if p)
