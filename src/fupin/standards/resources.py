from fupin.core.scope import Surfaces, register
from fupin.standards.models import CountyExitEvaluation, EvaluationRun, Verdict

register(
    EvaluationRun,
    region_field="region__code",
    surfaces=Surfaces(
        page_list="standards:run_list",
        page_detail="standards:run_detail",
        api_list="api:evaluation-run-list",
        api_detail="api:evaluation-run-detail",
        export="standards:run_export",
    ),
)
register(
    Verdict,
    region_field="region__code",
    surfaces=Surfaces(
        page_list="standards:verdict_list",
        page_detail="standards:verdict_detail",
        api_list="api:verdict-list",
        api_detail="api:verdict-detail",
        export="standards:verdict_export",
    ),
)
register(
    CountyExitEvaluation,
    region_field="region__code",
    surfaces=Surfaces(
        page_list="standards:evaluation_list",
        page_detail="standards:evaluation_detail",
        api_list="api:exit-evaluation-list",
        api_detail="api:exit-evaluation-detail",
        export="standards:evaluation_export",
    ),
)
