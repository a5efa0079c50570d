"""What sourcing announces to the apps above it (which it may not import): they connect in their
AppConfig.ready.

- `solicitation_published(solicitation, actor)`: sent inside `solicitation_publish`'s transaction,
  after the state is saved; a receiver's notices commit or roll back with the publication.
"""

from django.dispatch import Signal

solicitation_published = Signal()
