from contracts.models.agreement import (AgreementDocument, AgreementNotice, Amendment, LineVolume,
                                        MasterAgreement, ScheduleEntry, ScheduleVersion)
from contracts.models.catalog import CatalogEntry
from contracts.models.participation import (MiniCompetition, MiniCompetitionScore,
                                            ParticipationAgreement, PriorPrice, QuoteRequest)

__all__ = ["AgreementDocument", "AgreementNotice", "Amendment", "CatalogEntry", "LineVolume",
           "MasterAgreement", "ScheduleEntry", "ScheduleVersion", "MiniCompetition", "MiniCompetitionScore",
           "ParticipationAgreement", "PriorPrice", "QuoteRequest"]
