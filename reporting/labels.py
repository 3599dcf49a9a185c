"""Every label a report shows, in Chinese and English: one dictionary, so the HTML page and the
Excel pack cannot name the same figure differently."""

from __future__ import annotations

import os

LANGUAGES = ("zh", "en")

LABELS: dict[str, tuple[str, str]] = {
    # page
    "report_title": ("销售 KPI 报告", "Sales KPI report"),
    "as_of": ("数据截至", "Data as of"),
    "generated_at": ("生成时间", "Generated at"),
    "company": ("公司", "Company"),
    "no_data": ("无数据", "No data"),
    # sections
    "headline": ("核心指标", "Headline KPIs"),
    "headline_trend": ("月度销售额：实际、目标与去年同期", "Monthly revenue: actual, target and last year"),
    "attainment": ("目标达成与排名", "Attainment and ranking"),
    "attainment_regions": ("区域达成（本季度，销售额）", "Regions (this quarter, revenue)"),
    "attainment_reps": ("销售代表达成（本季度，销售额）", "Reps (this quarter, revenue)"),
    "benchmark": ("对标分析", "Benchmarking (对标)"),
    "funnel": ("销售漏斗", "Sales funnel"),
    "pipeline": ("商机覆盖与预测", "Pipeline coverage and forecast"),
    "segments": ("客户分层", "Customer segments"),
    "segments_summary": ("各分层客户数与近 12 个月销售额", "Customers and 12-month revenue per segment"),
    "top_priority": ("各销售代表的重点客户", "Each rep's top-priority customers"),
    "market": ("市场份额与价格指数", "Market share and price index"),
    "market_share": ("市场份额", "Market share"),
    "price_index": ("价格指数", "Price index"),
    "service": ("服务质量", "Service quality"),
    "data_quality": ("本次运行的数据质量", "Data quality of the night"),
    "dq_summary": ("概览", "Summary"),
    "dq_loads": ("文件加载", "Files loaded"),
    "files_loaded": ("已加载文件", "Files loaded"),
    "files_rejected": ("被拒文件", "Files rejected"),
    "checks_failed": ("未通过的检查", "Checks failed"),
    "dq_warnings": ("警告", "Warnings"),
    "dq_unreconciled": ("未对账订单", "Unreconciled orders"),
    # columns
    "kpi": ("指标", "KPI"),
    "period": ("期间", "Period"),
    "period_start": ("期间开始", "Period start"),
    "to_date": ("口径", "Span"),
    "actual": ("实际", "Actual"),
    "target": ("目标", "Target"),
    "attainment_rate": ("达成率", "Attainment"),
    "run_rate_attainment": ("按进度预计达成率", "Attainment at run rate"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "last_year": ("去年同期", "Last year"),
    "growth": ("同比增长", "Growth vs last year"),
    "rank": ("排名", "Rank"),
    "scope": ("范围", "Scope"),
    "scope_type": ("层级", "Level"),
    "region": ("区域", "Region"),
    "rep": ("销售代表", "Rep"),
    "internal_best": ("内部最佳", "Internal best"),
    "internal_best_scope": ("内部最佳单位", "Best unit"),
    "peer_median": ("同级中位数", "Peer median"),
    "external_benchmark": ("外部标杆", "External benchmark"),
    "stage": ("阶段", "Stage"),
    "entered": ("进入数", "Entered"),
    "converted": ("转化数", "Converted"),
    "conversion_rate": ("转化率", "Conversion rate"),
    "leakage_rate": ("流失率", "Leakage rate"),
    "median_days_in_stage": ("阶段停留天数（中位数）", "Median days in stage"),
    "open_pipeline": ("在手商机", "Open pipeline"),
    "weighted_pipeline": ("加权商机", "Weighted pipeline"),
    "pipeline_coverage": ("商机覆盖率", "Pipeline coverage"),
    "pipeline_forecast": ("商机预测", "Pipeline forecast"),
    "seasonal_forecast": ("季节性预测", "Seasonal forecast"),
    "run_rate_forecast": ("进度预测", "Run-rate forecast"),
    "forecast_attainment": ("预测达成率", "Forecast attainment"),
    "segment": ("分层", "Segment"),
    "customers": ("客户数", "Customers"),
    "revenue_12m": ("近 12 个月销售额", "Revenue, last 12 months"),
    "customer": ("客户", "Customer"),
    "priority_score": ("优先级得分", "Priority score"),
    "priority_rank": ("优先级排名", "Priority rank"),
    "churn_risk": ("流失风险", "Churn risk"),
    "last_order_date": ("最近下单日", "Last order"),
    "own_revenue": ("本公司销售额", "Own revenue"),
    "market_size": ("市场规模", "Market size"),
    "market_share_rate": ("市场份额", "Market share"),
    "leader": ("领先竞争对手", "Leading competitor"),
    "relative_share": ("相对市场份额", "Relative market share"),
    "share_trend": ("份额趋势", "Share trend"),
    "product": ("产品", "Product"),
    "competitor": ("竞争对手", "Competitor"),
    "own_price": ("本公司价格", "Own list price"),
    "competitor_price": ("竞争对手价格", "Competitor price"),
    "price_index_value": ("价格指数", "Price index"),
    "rate": ("实际值", "Actual"),
    "gap": ("差距", "Gap"),
    "met": ("达标", "Met"),
    "file": ("文件", "File"),
    "source": ("来源", "Source"),
    "entity": ("对象", "Entity"),
    "status": ("状态", "Status"),
    "rows_loaded": ("加载行数", "Rows loaded"),
    "rows_quarantined": ("隔离行数", "Rows quarantined"),
    "message": ("说明", "Message"),
    "check": ("检查", "Check"),
    "order": ("订单", "Order"),
    "difference": ("差额", "Difference"),
    "series": ("系列", "Series"),
    "month": ("月份", "Month"),
    "value": ("数值", "Value"),
    # values
    "span_complete": ("整期", "complete"),
    "span_MTD": ("月初至今", "MTD"),
    "span_QTD": ("季初至今", "QTD"),
    "span_YTD": ("年初至今", "YTD"),
    "span_future": ("未来", "future"),
    "grain_month": ("月", "Month"),
    "grain_quarter": ("季度", "Quarter"),
    "grain_year": ("年", "Year"),
    "kpi_revenue": ("销售额", "Revenue"),
    "kpi_orders": ("订单数", "Orders"),
    "kpi_new_customers": ("新客户数", "New customers"),
    "kpi_collections": ("回款额", "Collections"),
    "kpi_volume": ("销量", "Volume"),
    "kpi_win_rate": ("赢单率", "Win rate"),
    "kpi_avg_deal_size": ("平均成交额", "Average deal size"),
    "kpi_sales_cycle_days": ("销售周期（天）", "Sales cycle (days)"),
    "kpi_revenue_growth": ("销售额增长率", "Revenue growth"),
    "kpi_csat": ("客户满意度", "Customer satisfaction"),
    "kpi_on_time_delivery_rate": ("准时交付率", "On-time delivery rate"),
    "kpi_feedback_resolution_rate": ("反馈解决率", "Feedback resolution rate"),
    "kpi_property_incidents": ("客户财产事故", "Customer property incidents"),
    "segment_high_value": ("高价值", "High value"),
    "segment_potential": ("潜力", "Potential"),
    "segment_general": ("一般", "General"),
    "segment_at_risk": ("流失风险", "At risk"),
    "segment_lost": ("已流失", "Lost"),
    "series_actual": ("实际", "Actual"),
    "series_target": ("目标", "Target"),
    "series_last_year": ("去年同期", "Last year"),
}


def default_language() -> str:
    """`SALESDW_REPORT_LANG` (zh or en); Chinese by default, the language of the seeds' reports."""
    lang = os.environ.get("SALESDW_REPORT_LANG", "zh")
    if lang not in LANGUAGES:
        raise ValueError(f"SALESDW_REPORT_LANG={lang!r}: expected one of {', '.join(LANGUAGES)}")
    return lang


class Labels:
    """Looks labels up in one language; an unknown key falls back to the key itself, so a new
    KPI code shows as its code rather than failing a report."""

    def __init__(self, lang: str) -> None:
        if lang not in LANGUAGES:
            raise ValueError(f"language {lang!r}: expected one of {', '.join(LANGUAGES)}")
        self.lang = lang
        self._index = LANGUAGES.index(lang)

    def __call__(self, key: str) -> str:
        pair = LABELS.get(key)
        return pair[self._index] if pair else key

    def value(self, prefix: str, code: str | None) -> str:
        """A code shown to people, e.g. ``value('kpi', 'win_rate')``."""
        if code is None:
            return ""
        return self(f"{prefix}_{code}") if f"{prefix}_{code}" in LABELS else code
