// The staff home's notice of a month whose records are not reported yet.

export default {
  uploadOverdue: [
    (month, day) => `${month}的记录还没有上报(本村每月${day}日前上报):平台还没有收到,也没有用U盘导出并标记。请积分专员上报。`,
    (month, day) => `The records of ${month} are not reported yet (due by day ${day} of each month): the platform has not acknowledged them and no USB batch is marked. The clerk reports them.`,
  ],
};
