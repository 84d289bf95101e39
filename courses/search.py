"""Chinese-aware course search that behaves the same on SQLite and
PostgreSQL.

Wagtail's database backends do not split Chinese into words, so a search
for 执法 would miss 生态环境执法案卷评查实务. Instead the query is cut into
words with jieba (search mode) and each word is matched as a substring of
the title, the summary and the denormalised text of the live lessons
(CoursePage.search_text). Hits are weighted title > summary > lessons, and
the whole query found verbatim counts extra, so courses whose title holds
the words come first.
"""

import re

import jieba
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.db.models.functions import Coalesce

TITLE_WEIGHT, SUMMARY_WEIGHT, BODY_WEIGHT = 10, 3, 1
MAX_TERMS = 8
_PUNCTUATION = re.compile(r"^[\W_]+$")

jieba.setLogLevel(60)  # jieba logs its dictionary loading at INFO


def query_terms(query: str) -> list[str]:
    """The words to look for: the whole query, then its jieba words (search
    mode gives both 生态环境 and 生态/环境), single characters dropped when
    longer words exist."""
    query = " ".join(query.split())[:100]
    if not query:
        return []
    words = [query]
    for word in jieba.cut_for_search(query):
        word = word.strip()
        if word and not _PUNCTUATION.match(word) and word not in words:
            words.append(word)
    longer = [w for w in words if len(w) > 1]
    return (longer or words)[:MAX_TERMS]


def _hit(field: str, term: str, weight: int):
    return Case(
        When(**{f"{field}__icontains": term}, then=Value(weight)),
        default=Value(0),
        output_field=IntegerField(),
    )


def course_search(courses: QuerySet, query: str) -> QuerySet:
    """Filter ``courses`` to those matching ``query``, best first."""
    terms = query_terms(query)
    if not terms:
        return courses
    score = Value(0, output_field=IntegerField())
    for position, term in enumerate(terms):
        boost = 2 if position == 0 else 1  # the verbatim query counts double
        score = (
            score
            + _hit("title", term, TITLE_WEIGHT * boost)
            + _hit("summary", term, SUMMARY_WEIGHT * boost)
            + _hit("search_text", term, BODY_WEIGHT * boost)
        )
    return (
        courses.annotate(search_score=Coalesce(score, 0))
        .filter(search_score__gt=0)
        .order_by("-search_score", "-first_published_at", "pk")
    )


def segmented(text: str) -> str:
    """Text cut into words with spaces between them, for Wagtail's own
    search index (the admin's page search): its database backends split on
    spaces only, so 生态环境执法 must be stored as 生态 环境 生态环境 执法."""
    words = (w.strip() for w in jieba.cut_for_search(text or ""))
    return " ".join(w for w in words if w and not _PUNCTUATION.match(w))
