// The words of a household's own posted score in 我的积分.

export default {
  myPosting: [
    (period, score, band, points, until) => `${period} 公示:${score} 分,${band},记 ${points} 分。有异议请在 ${until} 前找积分专员。`,
    (period, score, band, points, until) => `Posted for ${period}: score ${score}, ${band}, ${points} points. Objections to the clerk before ${until}.`,
  ],
  myPostingBand: [(n) => `第 ${n} 档`, (n) => `band ${n}`],
  myPostingNoBand: ["未达最低档", "below the first band"],
};
