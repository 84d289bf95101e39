"""Wagtail admin: offline classes (attendance, import, QR, closing),
required-course assignments, hour rules, external hours and compliance."""

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from courses import services
from courses.models import Attendance, CourseAssignment, Enrolment
from personnel import api as personnel_api
from personnel.models import TrainingRecord
from tests.courses import factories as f
from tests.personnel.factories import CadreFactory

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def xlsx(rows) -> SimpleUploadedFile:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("attendance.xlsx", buffer.getvalue())


@pytest.fixture
def klass(province, learner):
    other = CadreFactory(unit=province["chengguan"], employee_no="E90001")
    return f.ended_class(organiser=province["root"], participants=[learner, other])


def test_class_admin_pages_for_trainer(client_for, trainer, klass):
    client = client_for(trainer)
    assert client.get(reverse("courses_trainingclass:index")).status_code == 200
    assert client.get(reverse("courses_trainingclass:add")).status_code == 200
    assert (
        client.get(reverse("courses_trainingclass:edit", args=[klass.pk])).status_code
        == 200
    )
    for name in (
        "courses_class_attendance",
        "courses_class_import",
        "courses_class_close",
    ):
        assert client.get(reverse(name, args=[klass.pk])).status_code == 200
    qr = client.get(reverse("courses_class_qr", args=[klass.pk]), **EN)
    assert qr.content.decode().count('data-testid="qr-code"') == 2
    assert "data:image/svg+xml;base64," in qr.content.decode()


def test_learner_cannot_reach_class_admin(client_for, learner, klass):
    client = client_for(learner)
    response = client.get(reverse("courses_class_attendance", args=[klass.pk]))
    assert response.status_code in (302, 403)
    client.post(reverse("courses_class_close", args=[klass.pk]))
    klass.refresh_from_db()
    assert klass.closed_at is None


def test_attendance_grid_and_close(client_for, trainer, learner, klass):
    client = client_for(trainer)
    morning, afternoon = klass.sessions.all()
    other = klass.participants.exclude(cadre=learner).get().cadre
    data = {
        f"s{morning.pk}-c{learner.pk}": "present",
        f"s{afternoon.pk}-c{learner.pk}": "present",
        f"s{morning.pk}-c{other.pk}": "present",
        f"s{afternoon.pk}-c{other.pk}": "absent",
    }
    response = client.post(reverse("courses_class_attendance", args=[klass.pk]), data)
    assert response.status_code == 302
    assert Attendance.objects.filter(status="present").count() == 3
    # The reason is recorded in the language of whoever closes the class.
    client.post(
        reverse("courses_class_close", args=[klass.pk]), {"confirm": "yes"}, **EN
    )
    page = client.get(reverse("courses_class_close", args=[klass.pk]), **EN)
    body = page.content.decode()
    assert "Absent 3.5 of 7.0 hours, more than 1/7." in body
    assert list(
        TrainingRecord.objects.filter(source_type="class").values_list(
            "cadre", flat=True
        )
    ) == [learner.pk]


def test_attendance_import_all_or_nothing(client_for, trainer, learner, klass):
    client = client_for(trainer)
    url = reverse("courses_class_import", args=[klass.pk])
    bad = xlsx(
        [
            ["工号", "姓名", "上午", "下午", "晚上"],
            [learner.employee_no, "张学员", "✓", "迟到", ""],
            ["E99999", "无名", "✓", "✓", ""],
        ]
    )
    response = client.post(url, {"file": bad}, **EN)
    body = response.content.decode()
    assert "no session of this class is called “晚上”" in body
    assert "Row 2, column 4: “迟到” is not ✓" in body
    assert "Row 3: staff number E99999 is not on the class roster." in body
    assert not Attendance.objects.exists()
    good = xlsx(
        [["工号", "姓名", "上午", "下午"], [learner.employee_no, "张学员", "✓", "假"]]
    )
    assert client.post(url, {"file": good}).status_code == 302
    assert sorted(Attendance.objects.values_list("status", flat=True)) == [
        "leave",
        "present",
    ]
    junk = SimpleUploadedFile("x.xlsx", b"not a workbook")
    assert (
        "not an .xlsx workbook"
        in client.post(url, {"file": junk}, **EN).content.decode()
    )


def test_attendance_template_lists_roster(client_for, trainer, klass):
    response = client_for(trainer).get(
        reverse("courses_class_template", args=[klass.pk])
    )
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("工号", "姓名", "上午", "下午")
    assert len(rows) == 3


def test_unit_admin_assigns_within_subtree(client_for, unit_admin, province):
    inside = CadreFactory(unit=province["chengguan"])
    outside = CadreFactory(unit=province["qinzhou"])
    course = f.course()
    client = client_for(unit_admin)
    form = client.get(reverse("courses_assignment:add"))
    assert form.status_code == 200
    assert outside.name not in form.content.decode()
    due = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    response = client.post(
        reverse("courses_assignment:add"),
        {"course": course.pk, "unit": province["lanzhou"].pk, "due_date": due},
    )
    assert response.status_code == 302
    enrolled = set(Enrolment.objects.values_list("cadre_id", flat=True))
    assert inside.pk in enrolled and outside.pk not in enrolled
    # A hand-typed id outside the subtree is refused by the form.
    response = client.post(
        reverse("courses_assignment:add"),
        {"course": course.pk, "cadres": [outside.pk], "due_date": due},
    )
    assert response.status_code == 200
    assert CourseAssignment.objects.count() == 1


# --------------------------------------------------------- personnel hours


def test_hour_requirements_admin_for_hr(client_for, hr, learner):
    assert (
        client_for(hr).get(reverse("personnel_hourrequirement:index")).status_code
        == 200
    )


def test_external_hours_recorded_with_evidence(
    client_for, unit_admin, learner, province
):
    client = client_for(unit_admin)
    url = reverse("personnel_hours_external:index")
    outsider = CadreFactory(unit=province["qinzhou"])
    data = {
        "title": "国家生态环境部执法培训班",
        "hours": "16",
        "completed_on": "2026-03-01",
        "approver": "李处长",
        "note": "",
    }
    refused = client.post(
        url,
        {
            **data,
            "cadre": outsider.pk,
            "evidence": SimpleUploadedFile("a.pdf", b"%PDF"),
        },
    )
    assert refused.status_code == 200 and not TrainingRecord.objects.exists()
    missing = client.post(url, {**data, "cadre": learner.pk}, **EN)
    assert "This field is required" in missing.content.decode()
    response = client.post(
        url,
        {**data, "cadre": learner.pk, "evidence": SimpleUploadedFile("a.pdf", b"%PDF")},
    )
    assert response.status_code == 302
    record = TrainingRecord.objects.get()
    assert (record.kind, record.hours, record.approver) == (
        "external",
        Decimal("16"),
        "李处长",
    )
    assert record.evidence.name.endswith(".pdf")


def test_compliance_view_is_scoped_and_exports(client_for, unit_admin, hr, province):
    year = timezone.localdate().year
    behind_here = CadreFactory(unit=province["chengguan"], name="城关落后")
    CadreFactory(unit=province["qinzhou"], name="秦州落后")
    done = CadreFactory(unit=province["chengguan"], name="城关达标")
    personnel_api.training_record_post(
        cadre_id=done.pk,
        kind="online",
        title="课",
        hours=Decimal("90"),
        completed_on=dt.date(year, 1, 5),
        source_type="test",
        source_id="1",
    )
    url = reverse("personnel_hours_compliance:index")
    body = client_for(unit_admin).get(url, **EN).content.decode()
    assert (
        behind_here.name in body and "秦州落后" not in body and "城关达标" not in body
    )
    export = client_for(unit_admin).get(url + "?export=xlsx")
    book = load_workbook(BytesIO(export.content))
    names = [
        row[0] for row in book.worksheets[2].iter_rows(min_row=2, values_only=True)
    ]
    assert "城关落后" in names and "秦州落后" not in names
    hr_body = client_for(hr).get(url, {"unit": province["tianshui"].pk}, **EN)
    assert "秦州落后" in hr_body.content.decode()


def test_assignments_are_scoped_and_not_edited(
    client_for, unit_admin, trainer, learner, province
):
    due = timezone.localdate() + dt.timedelta(days=10)
    theirs = services.course_assign(
        course=f.course(), due_date=due, assigned_by=trainer.user, cadres=[learner]
    )
    client = client_for(unit_admin)
    index = client.get(reverse("courses_assignment:index"))
    assert index.status_code == 200
    assert f"/{theirs.pk}/" not in index.content.decode()
    for view in ("inspect", "edit"):
        url = reverse(f"courses_assignment:{view}", args=[theirs.pk])
        assert client.get(url).status_code == 404
    trainer_client = client_for(trainer)
    response = trainer_client.get(reverse("courses_assignment:edit", args=[theirs.pk]))
    assert response.status_code == 302 and "inspect" in response.url
    assert trainer_client.get(response.url).status_code == 200


# ------------------------------------------------- class pages (QA fixes)


def test_qr_codes_are_svg_images_browsers_draw(client_for, trainer, klass):
    import base64
    import re
    from xml.etree import ElementTree

    body = client_for(trainer).get(reverse("courses_class_qr", args=[klass.pk]))
    pattern = r'src="data:image/svg\+xml;base64,([^"]+)"'
    uris = re.findall(pattern, body.content.decode())
    assert len(uris) == 2
    for uri in uris:
        svg = base64.b64decode(uri).decode()
        # An SVG shown through <img> is drawn only with its namespace declared.
        assert 'xmlns="http://www.w3.org/2000/svg"' in svg
        root = ElementTree.fromstring(svg)  # noqa: S314 - our own markup
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        assert int(root.get("width")) > 100


def test_class_nav_buttons_follow_wagtail_icon_buttons(client_for, trainer, klass):
    import re

    client = client_for(trainer)
    for name in ("courses_class_attendance", "courses_class_qr", "courses_class_close"):
        body = client.get(reverse(name, args=[klass.pk])).content.decode()
        nav = body.split('data-testid="class-nav"')[1].split("</nav>")[0]
        buttons = re.findall(r'<a class="([^"]+)"[^>]*>(.*?)</a>', nav, re.S)
        assert len(buttons) == 5
        for classes, inner in buttons:
            # Wagtail 8 sizes a button's icon only inside "bicolor button--icon"
            # with the icon wrapped; a bare {% icon %} is drawn at 300x150.
            assert {"button", "bicolor", "button--icon"} <= set(classes.split())
            assert '<span class="icon-wrapper"><svg' in inner
            assert re.sub(r"<[^>]+>", "", inner).strip()  # a visible label
        labels = [re.sub(r"<[^>]+>", "", inner).strip() for _, inner in buttons]
        assert labels == [
            "编辑培训班、课次和学员",
            "考勤",
            "导入考勤",
            "签到二维码",
            "结业",
        ]


def _mark(klass, learner, other):
    morning, afternoon = klass.sessions.all()
    services.attendance_mark(
        session=morning, statuses={learner.pk: "present", other.pk: "present"}
    )
    services.attendance_mark(
        session=afternoon, statuses={learner.pk: "present", other.pk: "absent"}
    )


def test_close_page_previews_who_loses_hours(client_for, trainer, learner, klass):
    other = klass.participants.exclude(cadre=learner).get().cadre
    _mark(klass, learner, other)
    body = (
        client_for(trainer)
        .get(reverse("courses_class_close", args=[klass.pk]), **EN)
        .content.decode()
    )
    preview = body.split('data-testid="preview"')[1].split("</table>")[0]
    rows = {
        row.split("</td>")[0].removeprefix("<td>"): row
        for row in preview.split("<tr>")[2:]
    }
    assert "Would earn hours" in rows[learner.employee_no]
    assert "<td>0.0</td><td>7.0</td>" in rows[learner.employee_no]
    assert "Would get no hours" in rows[other.employee_no]
    assert "Absent 3.5 of 7.0 hours, more than 1/7." in rows[other.employee_no]
    assert "1 of 2 participants would get no hours." in body
    assert 'name="confirm"' in body
    klass.refresh_from_db()
    assert klass.closed_at is None  # previewing saves nothing
    assert not TrainingRecord.objects.exists()


def test_closing_needs_confirmation(client_for, trainer, learner, klass):
    client = client_for(trainer)
    url = reverse("courses_class_close", args=[klass.pk])
    response = client.post(url, follow=True, **EN)
    assert "Tick the box to confirm" in response.content.decode()
    klass.refresh_from_db()
    assert klass.closed_at is None
    client.post(url, {"confirm": "yes"})
    klass.refresh_from_db()
    assert klass.closed_at is not None


def test_class_cannot_close_before_its_last_session_ends(
    client_for, trainer, learner, province
):
    from courses.errors import ClassNotOver

    klass = f.training_class(organiser=province["root"], participants=[learner])
    last_end = klass.sessions.order_by("-ends_at").first().ends_at
    with pytest.raises(ClassNotOver, match="before its last session has ended"):
        services.class_close(training_class=klass)
    client = client_for(trainer)
    url = reverse("courses_class_close", args=[klass.pk])
    page = client.get(url, **EN).content.decode()
    assert 'data-testid="not-over"' in page
    assert 'data-testid="close-form"' not in page
    assert "counts every session without attendance as missed" in page
    response = client.post(url, {"confirm": "yes"}, follow=True, **EN)
    assert "before its last session has ended" in response.content.decode()
    klass.refresh_from_db()
    assert klass.closed_at is None
    result = services.class_close(
        training_class=klass, now=last_end + dt.timedelta(minutes=1)
    )
    assert [p.cadre_id for p in result.refused] == [learner.pk]


@pytest.fixture
def closed_klass(learner, klass):
    services.attendance_mark(
        session=klass.sessions.first(), statuses={learner.pk: "present"}
    )
    services.class_close(training_class=klass)
    klass.refresh_from_db()
    return klass


def _class_state(klass):
    klass.refresh_from_db()
    return (
        klass.title,
        klass.credit_hours,
        list(klass.sessions.values_list("pk", "hours")),
        list(klass.participants.values_list("cadre_id", flat=True)),
    )


def test_closed_class_is_read_only_in_the_admin(client_for, trainer, closed_klass):
    client = client_for(trainer)
    url = reverse("courses_trainingclass:edit", args=[closed_klass.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="class-closed"' in page
    assert "不能再修改" in page
    assert 'type="submit"' not in page.split('id="w-editor-form"')[1]
    assert reverse("courses_trainingclass:delete", args=[closed_klass.pk]) not in page

    before = _class_state(closed_klass)
    response = client.post(
        url,
        {"title": "改过的标题", "credit_hours": "99", "sessions-TOTAL_FORMS": "0"},
        follow=True,
    )
    assert "培训班已结业，不能再修改。" in response.content.decode()
    assert _class_state(closed_klass) == before


def test_closed_class_cannot_be_deleted(client_for, trainer, closed_klass):
    client = client_for(trainer)
    url = reverse("courses_trainingclass:delete", args=[closed_klass.pk])
    before = _class_state(closed_klass)
    for response in (client.get(url, follow=True), client.post(url, follow=True)):
        assert response.status_code == 200
        assert "已结业的培训班不能删除" in response.content.decode()
    assert _class_state(closed_klass) == before
    index = client.get(reverse("courses_trainingclass:index")).content.decode()
    assert url not in index


def test_open_class_can_still_be_deleted(client_for, trainer, klass):
    client = client_for(trainer)
    url = reverse("courses_trainingclass:delete", args=[klass.pk])
    assert client.get(url).status_code == 200
    client.post(url)
    assert not type(klass).objects.filter(pk=klass.pk).exists()


def test_attendance_headers_give_hours_in_the_language_of_the_page(
    client_for, trainer, klass
):
    client = client_for(trainer)
    url = reverse("courses_class_attendance", args=[klass.pk])
    chinese = client.get(url).content.decode()
    english = client.get(url, **EN).content.decode()
    assert chinese.count(" · 3.5 学时</small>") == 2
    assert "3.5h" not in chinese
    assert english.count(" · 3.5 h</small>") == 2
