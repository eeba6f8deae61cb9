from django.db import migrations

from moselle.reporting.freshness import watch


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0003_figures_version"),
        ("skills", "0001_courses_and_skills"),
    ]

    operations = [
        # Course sessions and completions are KPI sources (skills.figures): a change raises the figures' version.
        watch("skills.Course", "skills.CourseSession", "skills.Completion"),
    ]
