"""Demo courses and classes; safe to run again (nothing is duplicated).

Runs after personnel.demo. Images are drawn with Pillow, the handout PDF is
rendered with WeasyPrint and the short video ships in demo_assets/: nothing
is downloaded.
"""

import datetime as dt
import glob
import random
from decimal import Decimal
from io import BytesIO
from pathlib import Path

from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Site

from personnel.models import Cadre, Team, Unit

from . import services
from .choices import CourseCategory
from .demo_content import COURSES, PARAGRAPHS
from .models import (
    ClassParticipant,
    ClassSession,
    CourseIndexPage,
    CoursePage,
    Enrolment,
    LessonPage,
    LessonProgress,
    TrainingClass,
)

ASSETS = Path(__file__).resolve().parent / "demo_assets"
VIDEO_TITLE = "现场检查规范流程（演示视频）"
HANDOUT_TITLE = "生态环境行政处罚案卷评查要点（学习资料）"
# The handout is about penalty case files: only courses on that subject carry it.
HANDOUT_TOPICS = ("案卷", "处罚", "执法文书")
PALETTE = {
    "political_theory": ((142, 27, 32), (192, 38, 45)),
    "policy_regulations": ((11, 46, 92), (31, 111, 209)),
    "professional_skills": ((18, 85, 48), (28, 124, 67)),
    "practical_drills": ((122, 74, 0), (178, 106, 0)),
}


def load_demo(*, stdout) -> None:
    index = _catalogue()
    assets = {"video": _video(), "handout": _handout()}
    for number, spec in enumerate(COURSES, start=1):
        _course(index, number, spec, assets)
    _handout_detach(assets["handout"])
    _learning()
    _classes()
    stdout.write(
        f"courses: {CoursePage.objects.live().count()} courses, "
        f"{LessonPage.objects.live().count()} lessons, "
        f"{TrainingClass.objects.count()} classes, "
        f"{Enrolment.objects.count()} enrolments"
    )


# ------------------------------------------------------------------ assets


def _font(size):
    from PIL import ImageFont

    for pattern in (
        "NotoSansCJK-Bold.ttc",
        "NotoSansCJK-Regular.ttc",
        "wqy-microhei.ttc",
    ):
        found = glob.glob(f"/usr/share/fonts/**/{pattern}", recursive=True)
        if found:
            return ImageFont.truetype(found[0], size)
    return ImageFont.load_default()


def _cover(title: str, category: str, teams: str):
    existing = get_image_model().objects.filter(title=f"封面：{title}").first()
    if existing:
        return existing
    from PIL import Image, ImageDraw

    start, end = PALETTE[category]
    image = Image.new("RGB", (960, 540), start)
    draw = ImageDraw.Draw(image)
    for x in range(960):
        mix = x / 960
        colour = tuple(int(a + (b - a) * mix) for a, b in zip(start, end, strict=True))
        draw.line([(x, 0), (x, 540)], fill=colour)
    draw.ellipse([700, -120, 1100, 280], outline=(255, 255, 255), width=3)
    draw.text(
        (60, 70), str(CourseCategory(category).label), font=_font(30), fill="#f3c94a"
    )
    lines = [title[i : i + 13] for i in range(0, len(title), 13)]
    for row, line in enumerate(lines):
        draw.text((60, 170 + row * 80), line, font=_font(60), fill="white")
    draw.text((60, 450), teams, font=_font(28), fill=(230, 236, 245))
    buffer = BytesIO()
    image.save(buffer, "PNG")
    return get_image_model().objects.create(
        title=f"封面：{title}", file=ContentFile(buffer.getvalue(), name="cover.png")
    )


def _video():
    Document = get_document_model()
    existing = Document.objects.filter(title=VIDEO_TITLE).first()
    if existing:
        return existing
    data = (ASSETS / "onsite-inspection.webm").read_bytes()
    return Document.objects.create(
        title=VIDEO_TITLE, file=ContentFile(data, name="onsite-inspection.webm")
    )


def _handout():
    Document = get_document_model()
    existing = Document.objects.filter(title=HANDOUT_TITLE).first()
    if existing:
        return existing
    from weasyprint import HTML

    items = "".join(
        f"<li>{text}</li>"
        for text in (
            "立案审批手续齐全，案由准确。",
            "调查取证合法，证据能够相互印证，形成完整证据链。",
            "依法履行告知、听证程序，充分听取当事人陈述申辩。",
            "适用法律条款准确，裁量理由充分。",
            "决定书按期送达，执行和结案手续完备，卷宗装订规范。",
        )
    )
    html = (
        "<html><body style='font-family: \"Noto Sans CJK SC\", sans-serif'>"
        f"<h1 style='font-size:20pt'>{HANDOUT_TITLE}</h1>"
        "<p>甘肃省生态环境厅 执法局 编印</p>"
        f"<ol style='font-size:12pt;line-height:1.8'>{items}</ol></body></html>"
    )
    pdf = HTML(string=html).write_pdf()
    return Document.objects.create(
        title=HANDOUT_TITLE, file=ContentFile(pdf, name="case-review-handout.pdf")
    )


# ----------------------------------------------------------------- pages


def _catalogue() -> CourseIndexPage:
    existing = CourseIndexPage.objects.first()
    if existing:
        return existing
    home = Site.objects.get(is_default_site=True).root_page.specific
    index = CourseIndexPage(
        title="课程中心",
        slug="courses",
        intro="面向五支队伍的在线课程：政治理论、政策法规、业务技能、实战练兵。",
    )
    home.add_child(instance=index)
    index.save_revision().publish()
    return index


def _lesson_body(spec, lesson_title, position, assets, cover):
    title, teams, category, _kind, _trainer, summary, _lessons, key = spec
    team_names = "、".join(Team.objects.get(code=c).name_zh for c in teams[:2])
    words = {
        "lesson": lesson_title,
        "summary": summary,
        "team": team_names,
        "category": str(CourseCategory(category).label),
    }
    body = [("paragraph", f"<p>{p.format(**words)}</p>") for p in PARAGRAPHS[:2]]
    if "视频" in lesson_title:
        body.insert(
            0,
            (
                "video",
                {
                    "video": assets["video"],
                    "caption": "现场检查五个步骤",
                },
            ),
        )
    if position == 0:
        body.append(("image", {"image": cover, "decorative": False, "alt_text": title}))
    body.append(("callout", {"tone": "key", "title": "要点", "text": f"<p>{key}</p>"}))
    if position == 1 and _handout_fits(title):
        body.append(("document", {"document": assets["handout"], "label": ""}))
    body.append(("paragraph", f"<p>{PARAGRAPHS[2].format(**words)}</p>"))
    return body


def _handout_fits(course_title: str) -> bool:
    return any(topic in course_title for topic in HANDOUT_TOPICS)


def _handout_detach(handout) -> None:
    """Earlier versions of this loader attached the handout to every second
    lesson of courses for enforcement or supervision, political theory
    included; publish those lessons again without it."""
    for lesson in LessonPage.objects.live().specific():
        course = lesson.get_parent()
        if _handout_fits(course.title):
            continue
        blocks = [
            (block.block_type, block.value)
            for block in lesson.body
            if not (
                block.block_type == "document"
                and block.value["document"].pk == handout.pk
            )
        ]
        if len(blocks) != len(lesson.body):
            lesson.body = blocks
            lesson.save_revision().publish()


def _course(index, number, spec, assets) -> CoursePage:
    slug = f"course-{number:02d}"
    existing = CoursePage.objects.filter(slug=slug).first()
    if existing:
        return existing
    title, teams, category, kind, trainer, summary, lessons, _key = spec
    team_names = " · ".join(Team.objects.get(code=c).name_zh for c in teams)
    cover = _cover(title, category, team_names if len(teams) < 5 else "五支队伍")
    course = CoursePage(
        title=title,
        slug=slug,
        summary=summary,
        category=category,
        kind=kind,
        trainer_name=trainer,
        cover_image=cover,
    )
    index.add_child(instance=course)
    course.teams.set(Team.objects.filter(code__in=teams))
    course.save_revision().publish()
    for position, lesson_title in enumerate(lessons):
        lesson = LessonPage(
            title=lesson_title,
            slug=f"lesson-{position + 1}",
            credit_hours=Decimal("1.0") if position else Decimal("1.5"),
            min_study_minutes=5 + 5 * (position % 2),
            body=_lesson_body(spec, lesson_title, position, assets, cover),
        )
        course.add_child(instance=lesson)
        lesson.save_revision().publish()
    services.course_totals_refresh(course_id=course.pk)
    return course


# -------------------------------------------------------------- learning


def _complete(enrolment, lessons, when):
    for lesson in lessons:
        LessonProgress.objects.update_or_create(
            enrolment=enrolment,
            lesson=lesson,
            defaults={"seconds": lesson.min_study_seconds, "completed_at": when},
        )
    services.enrolment_complete_if_done(enrolment_id=enrolment.pk)


def _learning() -> None:
    if Enrolment.objects.exists():
        return
    courses = list(CoursePage.objects.live().order_by("slug"))
    lessons = {
        c.pk: list(LessonPage.objects.child_of(c).live().order_by("path"))
        for c in courses
    }
    now = timezone.now()
    learner = Cadre.objects.filter(user__username="learner").first()
    trainer = Cadre.objects.filter(user__username="trainer").first()
    if learner is not None:
        for course in courses[:3]:
            services.enrolment_create(course=course, cadre=learner)
        mine = Enrolment.objects.filter(cadre=learner).order_by("course__slug")
        _complete(mine[0], lessons[mine[0].course_id], now)
        first = lessons[mine[1].course_id][0]
        LessonProgress.objects.create(
            enrolment=mine[1],
            lesson=first,
            seconds=first.min_study_seconds,
            completed_at=now,
        )
    if trainer is not None:
        lanzhou = Unit.objects.filter(code="GS-LZ").first()
        services.course_assign(
            course=courses[4],
            due_date=timezone.localdate() + dt.timedelta(days=45),
            assigned_by=trainer.user,
            unit=lanzhou,
            teams=list(Team.objects.filter(code="enforcement")),
        )
    _crowd(courses, lessons, now)


def _crowd(courses, lessons, now) -> None:
    """Most cadres have studied something; some are behind on their hours."""
    rng = random.Random(2026)  # noqa: S311 - demo data
    cadres = list(Cadre.objects.exclude(user__username="learner").order_by("pk"))
    for cadre in rng.sample(cadres, k=min(len(cadres), 220)):
        for course in rng.sample(courses, k=rng.randint(1, 5)):
            enrolment, _created = Enrolment.objects.get_or_create(
                course=course, cadre=cadre
            )
            if rng.random() < 0.75:
                _complete(enrolment, lessons[course.pk], now)


# --------------------------------------------------------------- classes

CLASSES = [
    (
        "centralized",
        "2026年全省生态环境执法骨干集中培训班",
        "GS",
        "兰州 · 省生态环境厅培训中心",
        Decimal("40"),
        ["enforcement"],
        -40,
        5,
    ),
    (
        "on_the_job",
        "地表水自动监测站运维岗位培训",
        "GS-LZ",
        "兰州市生态环境局 三楼会议室",
        Decimal("8"),
        ["monitoring"],
        0,
        1,
    ),
    (
        "follow_up",
        "环评审批能力提升跟踪培训（第二期）",
        "GS",
        "天水 · 麦积山培训基地",
        Decimal("16"),
        ["eia"],
        30,
        2,
    ),
]


def _classes() -> None:
    rng = random.Random(7)  # noqa: S311 - demo data
    for kind, title, unit_code, place, hours, teams, offset, days in CLASSES:
        if TrainingClass.objects.filter(title=title).exists():
            continue
        start = timezone.localdate() + dt.timedelta(days=offset)
        klass = TrainingClass.objects.create(
            kind=kind,
            title=title,
            organiser=Unit.objects.get(code=unit_code),
            start_date=start,
            end_date=start + dt.timedelta(days=days - 1),
            place=place,
            credit_hours=hours,
        )
        klass.teams.set(Team.objects.filter(code__in=teams))
        _sessions(klass, start, days, hours)
        roster = _roster(klass, teams, rng)
        if offset < 0:
            _attendance(klass, roster, rng)
            services.class_close(training_class=klass)


def _sessions(klass, start, days, hours) -> None:
    per_session = hours / (days * 2)
    number = 0
    for day in range(days):
        date = start + dt.timedelta(days=day)
        for half, (begin, end) in enumerate(((9, 12), (14, 17))):
            tz = timezone.get_current_timezone()
            starts = dt.datetime.combine(date, dt.time(begin), tzinfo=tz)
            ClassSession.objects.create(
                training_class=klass,
                sort_order=number,
                title=f"第{day + 1}天{'上午' if half == 0 else '下午'}",
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=end - begin),
                hours=per_session.quantize(Decimal("0.1")),
            )
            number += 1


def _roster(klass, teams, rng):
    pool = list(Cadre.objects.filter(teams__code__in=teams).distinct().order_by("pk"))
    learner = Cadre.objects.filter(user__username="learner").first()
    chosen = rng.sample(pool, k=min(len(pool), 30))
    if learner is not None and learner not in chosen and "enforcement" in teams:
        chosen.append(learner)
    for cadre in chosen:
        ClassParticipant.objects.create(training_class=klass, cadre=cadre)
    return chosen


def _attendance(klass, roster, rng) -> None:
    for session in klass.sessions.all():
        statuses = {}
        for cadre in roster:
            luck = rng.random()
            statuses[cadre.pk] = (
                "present" if luck < 0.93 else "leave" if luck < 0.97 else "absent"
            )
        services.attendance_mark(session=session, statuses=statuses, method="import")
