"""Replace Wagtail's welcome page with the portal's HomePage."""

from django.db import migrations


def create_home(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    HomePage = apps.get_model("training_site", "HomePage")
    Locale = apps.get_model("wagtailcore", "Locale")

    Page.objects.filter(depth=2, slug="home").delete()
    content_type, _ = ContentType.objects.get_or_create(
        model="homepage", app_label="training_site"
    )
    locale = Locale.objects.first()
    home = HomePage.objects.create(
        title="五支队伍培训考核平台",
        draft_title="五支队伍培训考核平台",
        slug="home",
        content_type=content_type,
        path="00010001",
        depth=2,
        numchild=0,
        url_path="/home/",
        locale=locale,
        intro="面向全省生态环境监督、执法、监测、环评、应急五支队伍的学习、培训与考核平台。",
    )
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "root_page": home, "site_name": "五支队伍培训考核平台"},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("training_site", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]
    operations = [migrations.RunPython(create_home, migrations.RunPython.noop)]
