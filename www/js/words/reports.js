// The words of the reports screens.

export default {
  menuReports: ["报表和图表", "Reports and charts"],
  menuReportGroup: ["报表", "Reports"],
  reportsTitle: ["报表和图表", "Reports and charts"],
  reportWhich: ["看哪张报表", "Which report"],
  report_day: ["日结", "Day close"],
  report_month: ["月报", "Month"],
  report_stock: ["库存", "Stock"],
  report_donations: ["捐赠", "Donations"],
  report_statement: ["户账单", "Household statement"],
  report_exceptions: ["工作人员异常", "Staff exceptions"],
  report_charts: ["图表", "Charts"],
  reportDate: ["日期", "Date"],
  reportMonth: ["月份", "Month"],
  reportFrom: ["从", "From"],
  reportTo: ["到", "To"],
  reportHousehold: ["户号", "Household code"],
  reportShow: ["查看", "Show"],
  reportPrintA4: ["打印 A4", "Print A4"],
  reportPrintRoll: ["打印小票", "Print on receipt printer"],
  reportNone: ["选好后点“查看”", "Choose, then tap Show"],
  reportEmpty: ["这段时间没有记录", "Nothing in this period"],
  lowStockLabel: ["补货线", "Low-stock line"],
  lowStockHint: ["库存到这个数就提醒补货;不填就是 5", "Stock at or below this shows as low; default 5"],
  // A household statement names entries as 我的积分 does (kind_* there);
  // the year's close is the one kind only a statement shows.
  kind_year_closed: ["年底清零", "Year close"],
  reportChartsHint: ["近十二个月,按村里的日期", "The last twelve months, by the village's dates"],
};
