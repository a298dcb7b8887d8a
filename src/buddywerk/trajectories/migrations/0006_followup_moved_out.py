# The follow-up models (tandem notes, kijkwijzer, check-ins, surveys, reminders) moved to
# the followup app, which depends on trajectories: they leave trajectories' state only.
# Their tables stay as they are, with every row (followup/0001_initial takes them over
# under the same names). Concern stays here.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('trajectories', '0005_transition_log_kernel'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='checkin',
                    name='by',
                ),
                migrations.RemoveField(
                    model_name='checkin',
                    name='trajectory',
                ),
                migrations.RemoveIndex(
                    model_name='followupaction',
                    name='trajectorie_due_on_e15e18_idx',
                ),
                migrations.RemoveConstraint(
                    model_name='followupreminder',
                    name='followup_reminder_once',
                ),
                migrations.DeleteModel(
                    name='FollowUpReminder',
                ),
                migrations.RemoveField(
                    model_name='observation',
                    name='observer',
                ),
                migrations.RemoveField(
                    model_name='observation',
                    name='trajectory',
                ),
                migrations.RemoveConstraint(
                    model_name='observationcriterion',
                    name='observation_criterion_unique_label',
                ),
                migrations.RemoveConstraint(
                    model_name='observationscore',
                    name='observation_score_unique',
                ),
                migrations.RemoveConstraint(
                    model_name='observationscore',
                    name='observation_score_1_to_4',
                ),
                migrations.RemoveConstraint(
                    model_name='relationshipsurvey',
                    name='survey_unique_per_moment',
                ),
                migrations.RemoveField(
                    model_name='tandemnote',
                    name='author',
                ),
                migrations.RemoveField(
                    model_name='tandemnote',
                    name='trajectory',
                ),
                migrations.DeleteModel(
                    name='CheckIn',
                ),
                migrations.RemoveField(
                    model_name='followupaction',
                    name='done_by',
                ),
                migrations.RemoveField(
                    model_name='followupaction',
                    name='observation',
                ),
                migrations.RemoveField(
                    model_name='followupaction',
                    name='owner',
                ),
                migrations.RemoveField(
                    model_name='followupaction',
                    name='trajectory',
                ),
                migrations.RemoveField(
                    model_name='observationcriterion',
                    name='programme',
                ),
                migrations.RemoveField(
                    model_name='observationscore',
                    name='criterion',
                ),
                migrations.RemoveField(
                    model_name='observationscore',
                    name='observation',
                ),
                migrations.RemoveField(
                    model_name='relationshipsurvey',
                    name='recorded_by',
                ),
                migrations.RemoveField(
                    model_name='relationshipsurvey',
                    name='trajectory',
                ),
                migrations.DeleteModel(
                    name='TandemNote',
                ),
                migrations.DeleteModel(
                    name='FollowUpAction',
                ),
                migrations.DeleteModel(
                    name='ObservationCriterion',
                ),
                migrations.DeleteModel(
                    name='Observation',
                ),
                migrations.DeleteModel(
                    name='ObservationScore',
                ),
                migrations.DeleteModel(
                    name='RelationshipSurvey',
                ),
            ],
            database_operations=[],
        ),
    ]
