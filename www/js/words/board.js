// The words of the village points board on the home screen (亮积分、比积分).

export default {
  boardPosting: [(p) => `${p} 评分公示`, (p) => `Scores of ${p}, posted`],
  boardPostingUntil: [(d) => `公示到 ${d},有异议请找积分专员`, (d) => `Posted until ${d}; objections to the clerk`],
  boardQuarter: [(p) => `${p} 排名`, (p) => `Ranking of ${p}`],
  boardStars: [(p) => `${p} 积分之星`, (p) => `Stars of ${p}`],
  boardAdvanced: [(y) => `${y} 年先进户`, (y) => `Advanced households of ${y}`],
  boardEmpty: ["还没有数据", "Nothing yet"],
  boardShared: [(rank, n) => `第 ${rank} 名并列 ${n} 户`, (rank, n) => `${n} households share place ${rank}`],
  boardScore: [(s) => `${s} 分`, (s) => `score ${s}`],
  // Net points (credits plus corrections) may be below zero: no plus then.
  boardPoints: [(p) => `${p.startsWith("-") ? "" : "+"}${p} 积分`, (p) => `${p.startsWith("-") ? "" : "+"}${p} points`],
  boardBonus: ["连续奖励", "bonus"],
  boardBlacklist: ["曝光台", "Blacklist"],
  boardPanel: [(n, all) => `第 ${n}/${all} 页`, (n, all) => `Page ${n} of ${all}`],
  boardThanks: [(y) => `感谢 ${y} 年的爱心捐赠`, (y) => `Thank you, donors of ${y}`],
};
