# The follow-up models moved from the trajectories app into this one without moving any
# data: the tables keep their names (db_table "trajectories_<model>"), so this migration
# only creates the models in Django's state; trajectories/0006_followup_moved_out removes
# them from trajectories' state, also without touching the database. On a fresh database
# trajectories/0003_followup has created the tables, and this migration runs after it.

import django.core.validators
import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('organisations', '0002_programme_lists_school_registrant'),
        ('trajectories', '0005_transition_log_kernel'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='CheckIn',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='public id')),
                        ('date', models.DateField(verbose_name='date')),
                        ('channel', models.CharField(choices=[('phone', 'Phone call'), ('visit', 'Visit'), ('message', 'Message or mail'), ('meeting', 'Talk with the buddy')], max_length=10, verbose_name='how')),
                        ('note', models.TextField(blank=True, max_length=2000, verbose_name='note')),
                        ('by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                        ('trajectory', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='checkins', to='trajectories.trajectory', verbose_name='trajectory')),
                    ],
                    options={
                        'verbose_name': 'check-in',
                        'verbose_name_plural': 'check-ins',
                        'db_table': 'trajectories_checkin',
                        'ordering': ['-date', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='FollowUpReminder',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(max_length=32, verbose_name='kind')),
                        ('key', models.CharField(max_length=64, verbose_name='about')),
                        ('sent_on', models.DateField(verbose_name='sent on')),
                    ],
                    options={
                        'verbose_name': 'follow-up reminder',
                        'verbose_name_plural': 'follow-up reminders',
                        'db_table': 'trajectories_followupreminder',
                        'constraints': [models.UniqueConstraint(fields=('kind', 'key'), name='followup_reminder_once')],
                    },
                ),
                migrations.CreateModel(
                    name='Observation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='public id')),
                        ('observed_on', models.DateField(verbose_name='observed on')),
                        ('summary', models.TextField(blank=True, max_length=2000, verbose_name='summary')),
                        ('observer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='observer')),
                        ('trajectory', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='observations', to='trajectories.trajectory', verbose_name='trajectory')),
                    ],
                    options={
                        'verbose_name': 'kijkwijzer',
                        'verbose_name_plural': 'kijkwijzers',
                        'db_table': 'trajectories_observation',
                        'ordering': ['-observed_on', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='ObservationCriterion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('label', models.CharField(max_length=200, verbose_name='criterion')),
                        ('position', models.PositiveSmallIntegerField(default=0, verbose_name='position')),
                        ('is_active', models.BooleanField(default=True, verbose_name='in use')),
                        ('programme', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='observation_criteria', to='organisations.programme', verbose_name='programme')),
                    ],
                    options={
                        'verbose_name': 'kijkwijzer criterion',
                        'verbose_name_plural': 'kijkwijzer criteria',
                        'db_table': 'trajectories_observationcriterion',
                        'ordering': ['programme', 'position', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='ObservationScore',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('score', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1, 'A score is at least %(limit_value)s.'), django.core.validators.MaxValueValidator(4, 'A score is at most %(limit_value)s.')], verbose_name='score')),
                        ('note', models.TextField(blank=True, max_length=2000, verbose_name='note')),
                        ('criterion', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='scores', to='followup.observationcriterion', verbose_name='criterion')),
                        ('observation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='scores', to='followup.observation', verbose_name='kijkwijzer')),
                    ],
                    options={
                        'verbose_name': 'kijkwijzer score',
                        'verbose_name_plural': 'kijkwijzer scores',
                        'db_table': 'trajectories_observationscore',
                        'ordering': ['criterion__position', 'criterion_id'],
                    },
                ),
                migrations.CreateModel(
                    name='RelationshipSurvey',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='public id')),
                        ('respondent', models.CharField(choices=[('buddy', 'Buddy'), ('participant', 'Participant or parent')], max_length=12, verbose_name='respondent')),
                        ('moment', models.CharField(choices=[('day30', 'About 30 days in'), ('end', 'At the end')], max_length=6, verbose_name='moment')),
                        ('answered_on', models.DateField(verbose_name='answered on')),
                        ('item1', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1, 'An answer is at least %(limit_value)s.'), django.core.validators.MaxValueValidator(5, 'An answer is at most %(limit_value)s.')], verbose_name='answer 1')),
                        ('item2', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1, 'An answer is at least %(limit_value)s.'), django.core.validators.MaxValueValidator(5, 'An answer is at most %(limit_value)s.')], verbose_name='answer 2')),
                        ('item3', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1, 'An answer is at least %(limit_value)s.'), django.core.validators.MaxValueValidator(5, 'An answer is at most %(limit_value)s.')], verbose_name='answer 3')),
                        ('item4', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1, 'An answer is at least %(limit_value)s.'), django.core.validators.MaxValueValidator(5, 'An answer is at most %(limit_value)s.')], verbose_name='answer 4')),
                        ('mean_score', models.FloatField(editable=False, verbose_name='mean score')),
                        ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by')),
                        ('trajectory', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='surveys', to='trajectories.trajectory', verbose_name='trajectory')),
                    ],
                    options={
                        'verbose_name': 'relationship survey',
                        'verbose_name_plural': 'relationship surveys',
                        'db_table': 'trajectories_relationshipsurvey',
                        'ordering': ['-answered_on', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='TandemNote',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='public id')),
                        ('side', models.CharField(choices=[('buddy', 'Buddy'), ('school', 'School'), ('programme', 'Programme')], max_length=10, verbose_name='side')),
                        ('kind', models.CharField(choices=[('note', 'Note'), ('home_visit', 'Home visit'), ('parent_signal', 'Signal from the parents')], default='note', max_length=16, verbose_name='kind')),
                        ('text', models.TextField(max_length=2000, verbose_name='note')),
                        ('author', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='written by')),
                        ('trajectory', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='tandem_notes', to='trajectories.trajectory', verbose_name='trajectory')),
                    ],
                    options={
                        'verbose_name': 'tandem note',
                        'verbose_name_plural': 'tandem notes',
                        'db_table': 'trajectories_tandemnote',
                        'ordering': ['created_at', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='FollowUpAction',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='public id')),
                        ('text', models.CharField(max_length=300, verbose_name='action')),
                        ('due_on', models.DateField(verbose_name='due on')),
                        ('done_at', models.DateTimeField(blank=True, null=True, verbose_name='done at')),
                        ('done_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='done by')),
                        ('owner', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='who follows it up')),
                        ('trajectory', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='followup_actions', to='trajectories.trajectory', verbose_name='trajectory')),
                        ('observation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='actions', to='followup.observation', verbose_name='kijkwijzer')),
                    ],
                    options={
                        'verbose_name': 'follow-up action',
                        'verbose_name_plural': 'follow-up actions',
                        'db_table': 'trajectories_followupaction',
                        'ordering': ['due_on', 'id'],
                        'indexes': [models.Index(fields=['due_on', 'done_at'], name='trajectorie_due_on_e15e18_idx')],
                    },
                ),
                migrations.AddConstraint(
                    model_name='observationcriterion',
                    constraint=models.UniqueConstraint(fields=('programme', 'label'), name='observation_criterion_unique_label'),
                ),
                migrations.AddConstraint(
                    model_name='observationscore',
                    constraint=models.UniqueConstraint(fields=('observation', 'criterion'), name='observation_score_unique'),
                ),
                migrations.AddConstraint(
                    model_name='observationscore',
                    constraint=models.CheckConstraint(condition=models.Q(('score__gte', 1), ('score__lte', 4)), name='observation_score_1_to_4'),
                ),
                migrations.AddConstraint(
                    model_name='relationshipsurvey',
                    constraint=models.UniqueConstraint(fields=('trajectory', 'respondent', 'moment'), name='survey_unique_per_moment'),
                ),
            ],
            database_operations=[],
        ),
    ]
