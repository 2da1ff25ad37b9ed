//! The search engine: works on a distance matrix over abstract nodes, knows nothing of
//! coordinates, ids or the public types.
//!
//! A problem has `k` real nodes (`0..k`) and two fixed sentinels: `START = k` (always first) and
//! `END = k + 1` (always last). A tour is `[START, x1, .., xk, END]` and its length is the sum of
//! its consecutive distances. The adapters choose the sentinels' distances:
//! - a depot: `d(START, x)` is the distance from the depot; a free start: `d(START, x) = 0`;
//! - an open route: `d(x, END) = 0`; a closed one (back to the depot): `d(x, END) = d(START, x)`.
//!
//! Moves (2-opt, Or-opt in both orientations, the segment-swap kick of the ILS) only ever touch
//! positions `1..=k`, so the sentinels stay in place. Precedence (every pickup of a group before
//! every drop of the same group) is checked before a move is applied, on the positions it moves.

use std::collections::VecDeque;
use std::time::Instant;

/// No precedence group.
pub(crate) const NONE: u32 = u32::MAX;
/// Cost of one second of lateness, in distance units (metres): large enough that any reduction
/// of lateness beats any realistic increase of distance.
pub(crate) const LATE_WEIGHT: f64 = 1.0e6;
/// Distance improvements smaller than this are ignored (floating-point noise).
const EPS: f64 = 1.0e-7;
/// Lateness below this (seconds) counts as on time.
pub(crate) const LATE_EPS: f64 = 1.0e-6;

/// Time data for problems with windows; indexed by node (sentinels included).
pub(crate) struct Times {
    pub ready: Vec<f64>,
    pub due: Vec<f64>,
    pub service: Vec<f64>,
    /// Seconds per distance unit (3.6 / km/h for metres).
    pub s_per_unit: f64,
}

pub(crate) struct Problem {
    /// Real nodes.
    pub k: usize,
    /// Row length of `d` (`k + 2`).
    pub n: usize,
    /// Row-major `n * n` matrix, symmetric.
    pub d: Vec<f64>,
    /// Precedence group per node (`NONE` for none); only groups with at least one pickup and
    /// one drop among the real nodes should be set.
    pub group: Vec<u32>,
    pub is_pickup: Vec<bool>,
    /// Per group: its pickups and its drops.
    pub pickups: Vec<Vec<usize>>,
    pub drops: Vec<Vec<usize>>,
    pub times: Option<Times>,
}

impl Problem {
    /// A problem without precedence or windows. `real(i, j)` gives distances between real nodes,
    /// `start(i)` the distance from the start (None: free start), `closed` returns to the start.
    pub fn new(
        k: usize,
        real: impl Fn(usize, usize) -> f64,
        start: Option<&dyn Fn(usize) -> f64>,
        closed: bool,
    ) -> Problem {
        let n = k + 2;
        let (s, e) = (k, k + 1);
        let mut d = vec![0.0; n * n];
        for i in 0..k {
            for j in (i + 1)..k {
                let v = real(i, j);
                d[i * n + j] = v;
                d[j * n + i] = v;
            }
            let v = start.map_or(0.0, |f| f(i));
            d[i * n + s] = v;
            d[s * n + i] = v;
            let back = if closed { v } else { 0.0 };
            d[i * n + e] = back;
            d[e * n + i] = back;
        }
        Problem {
            k,
            n,
            d,
            group: vec![NONE; n],
            is_pickup: vec![false; n],
            pickups: Vec::new(),
            drops: Vec::new(),
            times: None,
        }
    }

    /// Sets node groups: `groups[i]` for real node `i` (None: no precedence).
    pub fn set_groups(&mut self, groups: &[Option<(usize, bool)>]) {
        let count = groups
            .iter()
            .flatten()
            .map(|(g, _)| g + 1)
            .max()
            .unwrap_or(0);
        let mut pickups = vec![Vec::new(); count];
        let mut drops = vec![Vec::new(); count];
        for (i, g) in groups.iter().enumerate() {
            if let Some((g, pickup)) = *g {
                if pickup {
                    pickups[g].push(i);
                } else {
                    drops[g].push(i);
                }
            }
        }
        // Only groups with both kinds constrain anything; renumber them densely.
        let mut renum = vec![NONE; count];
        let (mut p2, mut d2) = (Vec::new(), Vec::new());
        for g in 0..count {
            if !pickups[g].is_empty() && !drops[g].is_empty() {
                renum[g] = p2.len() as u32;
                p2.push(std::mem::take(&mut pickups[g]));
                d2.push(std::mem::take(&mut drops[g]));
            }
        }
        for (i, g) in groups.iter().enumerate() {
            if let Some((g, pickup)) = *g {
                self.group[i] = renum[g];
                self.is_pickup[i] = pickup;
            }
        }
        self.pickups = p2;
        self.drops = d2;
    }

    #[inline(always)]
    fn dist(&self, a: usize, b: usize) -> f64 {
        self.d[a * self.n + b]
    }

    fn has_precedence(&self) -> bool {
        !self.pickups.is_empty()
    }

    /// Whether an order of the real nodes keeps every pickup before every drop of its group.
    pub fn feasible(&self, order: &[usize]) -> bool {
        let mut pos = vec![0usize; self.k];
        for (i, &x) in order.iter().enumerate() {
            pos[x] = i;
        }
        (0..self.pickups.len()).all(|g| {
            let last_pickup = self.pickups[g].iter().map(|&p| pos[p]).max().unwrap_or(0);
            self.drops[g].iter().all(|&d| pos[d] > last_pickup)
        })
    }

    /// Length of `[START] + order + [END]`.
    pub fn length(&self, order: &[usize]) -> f64 {
        let mut prev = self.k;
        let mut sum = 0.0;
        for &x in order {
            sum += self.dist(prev, x);
            prev = x;
        }
        sum + self.dist(prev, self.k + 1)
    }

    /// Total lateness (seconds) of `[START] + order`; 0 without windows.
    pub fn lateness(&self, order: &[usize]) -> f64 {
        let Some(tw) = &self.times else { return 0.0 };
        let mut t = 0.0;
        let mut late = 0.0;
        let mut prev = self.k;
        for &x in order {
            t += self.dist(prev, x) * tw.s_per_unit;
            let begin = if t < tw.ready[x] { tw.ready[x] } else { t };
            if begin > tw.due[x] {
                late += begin - tw.due[x];
            }
            t = begin + tw.service[x];
            prev = x;
        }
        late
    }

    fn penalised(&self, order: &[usize]) -> f64 {
        self.length(order) + LATE_WEIGHT * self.lateness(order)
    }
}

/// How much improvement to attempt.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Budget {
    /// Perturbation rounds of the iterated local search.
    pub kicks: u64,
    pub deadline: Option<Instant>,
    pub seed: u64,
}

/// What `solve` found.
pub(crate) struct Solution {
    pub order: Vec<usize>,
    /// The given input order was kept (it was at least as good).
    pub kept_input: bool,
}

/// Kicks used when the caller gives none: enough for a good tour, small enough that 200 stops
/// stay well under 50 ms and 1,000 under one second on one core.
pub(crate) fn auto_kicks(k: usize) -> u64 {
    if k < 8 {
        0
    } else {
        // ~ 1,250 kicks at 50 stops, 5,000 at 200, 10,000 from 400 on (kicks are local, so
        // their cost grows slowly with k).
        (25 * k as u64).clamp(400, 10_000)
    }
}

/// Orders the real nodes. `input`, when given and feasible, is a candidate: the result is never
/// worse (length, or lateness first when there are windows) than it.
pub(crate) fn solve(p: &Problem, input: Option<&[usize]>, budget: Budget) -> Solution {
    let input = input.filter(|o| o.len() == p.k && p.feasible(o));
    if p.k == 0 {
        return Solution {
            order: Vec::new(),
            kept_input: input.is_some(),
        };
    }
    let mut s = Search::new(p, budget.deadline);
    let mut rng = Rng::new(budget.seed);

    // Starting tours: nearest neighbour; with windows also earliest-deadline-first and the input.
    let mut starts = vec![nearest_neighbour(p)];
    if p.times.is_some() {
        starts.push(earliest_due(p));
        if let Some(o) = input {
            starts.push(o.to_vec());
        }
    }
    let mut best: Option<(f64, Vec<usize>)> = None;
    for start in starts {
        s.set_tour(&start);
        s.improve();
        let cost = s.penalised();
        if best.as_ref().is_none_or(|(c, _)| cost < *c) {
            best = Some((cost, s.order()));
        }
    }
    let (_, order) = best.expect("at least one start");
    s.set_tour(&order);
    s.ils(budget.kicks, &mut rng);
    if s.late > LATE_EPS {
        s.repair();
    }
    let order = s.order();
    debug_assert!(p.feasible(&order));

    if let Some(o) = input {
        let (mine, theirs) = (p.penalised(&order), p.penalised(o));
        if mine >= theirs - EPS * theirs.abs().max(1.0) {
            return Solution {
                order: o.to_vec(),
                kept_input: true,
            };
        }
    }
    Solution {
        order,
        kept_input: false,
    }
}

/// Nearest feasible node next, from the start; ties go to the lower index (input order).
fn nearest_neighbour(p: &Problem) -> Vec<usize> {
    let mut waiting: Vec<usize> = p.pickups.iter().map(Vec::len).collect();
    let mut done = vec![false; p.k];
    let mut order = Vec::with_capacity(p.k);
    let mut cur = p.k;
    for _ in 0..p.k {
        let mut best: Option<(f64, usize)> = None;
        for (x, _) in done.iter().enumerate().filter(|(_, d)| !**d) {
            let g = p.group[x];
            if g != NONE && !p.is_pickup[x] && waiting[g as usize] > 0 {
                continue;
            }
            let dx = p.dist(cur, x);
            if best.is_none_or(|(bd, _)| dx < bd) {
                best = Some((dx, x));
            }
        }
        let (_, x) = best.expect("a pickup is always available while drops wait");
        done[x] = true;
        if p.group[x] != NONE && p.is_pickup[x] {
            waiting[p.group[x] as usize] -= 1;
        }
        order.push(x);
        cur = x;
    }
    order
}

/// Sorted by window end (stable), then precedence restored.
fn earliest_due(p: &Problem) -> Vec<usize> {
    let tw = p.times.as_ref().expect("windows");
    let mut order: Vec<usize> = (0..p.k).collect();
    order.sort_by(|&a, &b| tw.due[a].total_cmp(&tw.due[b]));
    let fixed = precedence_fix(order.len(), |i| {
        let x = order[i];
        (p.group[x] != NONE).then(|| (p.group[x] as usize, p.is_pickup[x]))
    });
    fixed.into_iter().map(|i| order[i]).collect()
}

/// Reorders `0..len` as little as possible so that every pickup of a group comes before every
/// drop of it: a drop met while pickups of its group are still to come waits, and follows the
/// last of them. `info(i)` gives item `i`'s group and whether it is a pickup.
pub(crate) fn precedence_fix(
    len: usize,
    info: impl Fn(usize) -> Option<(usize, bool)>,
) -> Vec<usize> {
    let groups = (0..len)
        .filter_map(|i| info(i).map(|(g, _)| g + 1))
        .max()
        .unwrap_or(0);
    let mut left = vec![0usize; groups];
    for i in 0..len {
        if let Some((g, true)) = info(i) {
            left[g] += 1;
        }
    }
    let mut held: Vec<Vec<usize>> = vec![Vec::new(); groups];
    let mut out = Vec::with_capacity(len);
    for i in 0..len {
        match info(i) {
            Some((g, false)) if left[g] > 0 => held[g].push(i),
            Some((g, true)) => {
                out.push(i);
                left[g] -= 1;
                if left[g] == 0 {
                    out.append(&mut held[g]);
                }
            }
            _ => out.push(i),
        }
    }
    out
}

/// Deterministic generator (SplitMix64).
pub(crate) struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next() >> 11) as u128 * n as u128) >> 53) as usize
    }
}

/// Local search state over one tour.
struct Search<'a> {
    p: &'a Problem,
    n: usize,
    /// `[START, .., END]`.
    t: Vec<usize>,
    /// Position of each node in `t`.
    pos: Vec<usize>,
    /// `kn` nearest real nodes of each real node, nearest first.
    neigh: Vec<usize>,
    kn: usize,
    queue: VecDeque<usize>,
    queued: Vec<bool>,
    dist: f64,
    late: f64,
    /// With windows, per position of the current tour: departure time and lateness so far.
    dep: Vec<f64>,
    cum: Vec<f64>,
    /// Positions changed since the last reset (for the ILS's undo).
    lo: usize,
    hi: usize,
    save: Vec<usize>,
    deadline: Option<Instant>,
    timed_out: bool,
    polls: u32,
}

impl<'a> Search<'a> {
    fn new(p: &'a Problem, deadline: Option<Instant>) -> Search<'a> {
        let k = p.k;
        let kn = if p.times.is_some() { 24 } else { 10 }.min(k.saturating_sub(1));
        let mut neigh = Vec::with_capacity(k * kn);
        let mut cand: Vec<(f64, usize)> = Vec::with_capacity(k);
        for i in 0..k {
            cand.clear();
            cand.extend((0..k).filter(|&j| j != i).map(|j| (p.dist(i, j), j)));
            let cmp = |a: &(f64, usize), b: &(f64, usize)| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1));
            if kn < cand.len() && kn > 0 {
                cand.select_nth_unstable_by(kn - 1, cmp);
                cand.truncate(kn);
            }
            cand.sort_unstable_by(cmp);
            neigh.extend(cand.iter().take(kn).map(|&(_, j)| j));
        }
        Search {
            p,
            n: p.n,
            t: Vec::with_capacity(k + 2),
            pos: vec![0; k + 2],
            neigh,
            kn,
            queue: VecDeque::with_capacity(k),
            queued: vec![false; k],
            dist: 0.0,
            late: 0.0,
            dep: vec![0.0; k + 2],
            cum: vec![0.0; k + 2],
            lo: usize::MAX,
            hi: 0,
            save: Vec::with_capacity(k + 2),
            deadline,
            timed_out: false,
            polls: 0,
        }
    }

    #[inline(always)]
    fn d(&self, a: usize, b: usize) -> f64 {
        self.p.d[a * self.n + b]
    }

    fn set_tour(&mut self, order: &[usize]) {
        let k = self.p.k;
        self.t.clear();
        self.t.push(k);
        self.t.extend_from_slice(order);
        self.t.push(k + 1);
        for (i, &x) in self.t.iter().enumerate() {
            self.pos[x] = i;
        }
        self.dist = self.p.length(order);
        self.retime(1);
        self.queue.clear();
        self.queued.iter_mut().for_each(|q| *q = false);
        for &x in order {
            self.push(x);
        }
    }

    /// Recomputes `dep`/`cum` (and `late`) from position `from` on.
    fn retime(&mut self, from: usize) {
        let Some(tw) = &self.p.times else { return };
        let last = self.t.len() - 1;
        let (mut time, mut late) = (self.dep[from - 1], self.cum[from - 1]);
        let mut prev = self.t[from - 1];
        for p in from..=last {
            let x = self.t[p];
            time += self.p.dist(prev, x) * tw.s_per_unit;
            let begin = if time < tw.ready[x] {
                tw.ready[x]
            } else {
                time
            };
            if begin > tw.due[x] {
                late += begin - tw.due[x];
            }
            time = begin + tw.service[x];
            self.dep[p] = time;
            self.cum[p] = late;
            prev = x;
        }
        self.late = late;
    }

    /// Lateness of the current tour, which differs from the one `dep`/`cum` describe only in
    /// positions `lo..=hi`. Stops early once the times after `hi` fall back in step, or once the
    /// lateness exceeds `bound` (then the result is only known to exceed it).
    fn lateness_after_change(&self, lo: usize, hi: usize, bound: f64) -> f64 {
        let Some(tw) = &self.p.times else { return 0.0 };
        let last = self.t.len() - 1;
        let total = self.cum[last];
        let (mut time, mut late) = (self.dep[lo - 1], self.cum[lo - 1]);
        let mut prev = self.t[lo - 1];
        for p in lo..=last {
            let x = self.t[p];
            time += self.p.dist(prev, x) * tw.s_per_unit;
            let begin = if time < tw.ready[x] {
                tw.ready[x]
            } else {
                time
            };
            if begin > tw.due[x] {
                late += begin - tw.due[x];
                if late > bound {
                    return late;
                }
            }
            time = begin + tw.service[x];
            if p > hi {
                let rest = total - self.cum[p];
                // Same time at the same node: the rest is as before.
                if (time - self.dep[p]).abs() <= 1e-9 {
                    return late + rest;
                }
                // Earlier than before where nothing was late: nothing will be.
                if time <= self.dep[p] && rest <= LATE_EPS {
                    return late;
                }
            }
            prev = x;
        }
        late
    }

    fn order(&self) -> Vec<usize> {
        self.t[1..self.t.len() - 1].to_vec()
    }

    fn penalised(&self) -> f64 {
        self.dist + LATE_WEIGHT * self.late
    }

    fn out_of_time(&mut self) -> bool {
        if self.timed_out {
            return true;
        }
        if let Some(deadline) = self.deadline {
            self.polls = self.polls.wrapping_add(1);
            if self.polls.is_multiple_of(64) && Instant::now() >= deadline {
                self.timed_out = true;
            }
        }
        self.timed_out
    }

    fn push(&mut self, x: usize) {
        if x < self.p.k && !self.queued[x] {
            self.queued[x] = true;
            self.queue.push_back(x);
        }
    }

    fn mark(&mut self, lo: usize, hi: usize) {
        self.lo = self.lo.min(lo);
        self.hi = self.hi.max(hi);
    }

    fn fix_pos(&mut self, lo: usize, hi: usize) {
        for i in lo..=hi {
            self.pos[self.t[i]] = i;
        }
    }

    /// Reverses `t[lo..=hi]`.
    fn reverse(&mut self, lo: usize, hi: usize) {
        self.t[lo..=hi].reverse();
        self.fix_pos(lo, hi);
        self.mark(lo, hi);
    }

    /// Moves `t[s..=e]` (reversed if `rev`) to just after position `j` (`j` outside `s-1..=e`).
    fn move_segment(&mut self, s: usize, e: usize, j: usize, rev: bool) {
        let len = e - s + 1;
        let (lo, hi) = if j > e {
            self.t[s..=j].rotate_left(len);
            if rev {
                self.t[j + 1 - len..=j].reverse();
            }
            (s, j)
        } else {
            self.t[j + 1..=e].rotate_right(len);
            if rev {
                self.t[j + 1..=j + len].reverse();
            }
            (j + 1, e)
        };
        self.fix_pos(lo, hi);
        self.mark(lo, hi);
    }

    /// Whether a move with distance change `dd` could improve the objective.
    #[inline(always)]
    fn worth(&self, dd: f64) -> bool {
        dd < -EPS || self.late > LATE_EPS
    }

    /// Applies a move touching positions `lo..=hi` with distance change `dd` if it improves the
    /// objective; with windows the lateness is recomputed and the move undone if it does not.
    fn accept(&mut self, dd: f64, lo: usize, hi: usize, apply: impl FnOnce(&mut Self)) -> bool {
        if self.p.times.is_none() {
            if dd < -EPS {
                apply(self);
                self.dist += dd;
                return true;
            }
            return false;
        }
        let before = self.penalised();
        self.save.clear();
        self.save.extend_from_slice(&self.t[lo..=hi]);
        apply(self);
        // Lateness above this cannot improve.
        let bound = (before - EPS - self.dist - dd) / LATE_WEIGHT;
        let late = self.lateness_after_change(lo, hi, bound);
        let after = self.dist + dd + LATE_WEIGHT * late;
        if after < before - EPS {
            self.dist += dd;
            self.retime(lo);
            true
        } else {
            self.t[lo..=hi].copy_from_slice(&self.save);
            self.fix_pos(lo, hi);
            false
        }
    }

    /// Precedence: may `t[lo..=hi]` be reversed?
    fn reverse_ok(&self, lo: usize, hi: usize) -> bool {
        let p = self.p;
        if !p.has_precedence() {
            return true;
        }
        for i in lo..=hi {
            let x = self.t[i];
            let g = p.group[x];
            if g != NONE && p.is_pickup[x] {
                for &y in &p.drops[g as usize] {
                    let py = self.pos[y];
                    if py >= lo && py <= hi {
                        return false;
                    }
                }
            }
        }
        true
    }

    /// Precedence: may `t[s..=e]` move after position `j` (reversed if `rev`)?
    fn move_ok(&self, s: usize, e: usize, j: usize, rev: bool) -> bool {
        let p = self.p;
        if !p.has_precedence() {
            return true;
        }
        if rev && !self.reverse_ok(s, e) {
            return false;
        }
        for i in s..=e {
            let x = self.t[i];
            let g = p.group[x];
            if g == NONE {
                continue;
            }
            if j > e && p.is_pickup[x] {
                // Moving later past t[e+1..=j]: none of its drops may be there.
                if p.drops[g as usize]
                    .iter()
                    .any(|&y| self.pos[y] > e && self.pos[y] <= j)
                {
                    return false;
                }
            } else if j < s && !p.is_pickup[x] {
                // Moving earlier past t[j+1..s]: none of its pickups may be there.
                if p.pickups[g as usize]
                    .iter()
                    .any(|&y| self.pos[y] > j && self.pos[y] < s)
                {
                    return false;
                }
            }
        }
        true
    }

    /// Distance change of moving `t[s..=e]` after position `j`, reversed if `rev`.
    fn or_delta(&self, s: usize, e: usize, j: usize, rev: bool) -> f64 {
        let t = &self.t;
        let (prev, first, last, next) = (t[s - 1], t[s], t[e], t[e + 1]);
        let (c, f) = (t[j], t[j + 1]);
        let (x, y) = if rev { (last, first) } else { (first, last) };
        self.d(prev, next) - self.d(prev, first) - self.d(last, next) + self.d(c, x) + self.d(y, f)
            - self.d(c, f)
    }

    fn try_move(&mut self, s: usize, e: usize, j: usize, rev: bool) -> bool {
        let dd = self.or_delta(s, e, j, rev);
        if !self.worth(dd) || !self.move_ok(s, e, j, rev) {
            return false;
        }
        let (lo, hi) = if j > e { (s, j) } else { (j + 1, e) };
        let touched = [
            self.t[s - 1],
            self.t[s],
            self.t[e],
            self.t[e + 1],
            self.t[j],
            self.t[j + 1],
        ];
        if self.accept(dd, lo, hi, |me| me.move_segment(s, e, j, rev)) {
            for x in touched {
                self.push(x);
            }
            return true;
        }
        false
    }

    fn try_reverse(&mut self, lo: usize, hi: usize) -> bool {
        let t = &self.t;
        let (a, b, c, e) = (t[lo - 1], t[lo], t[hi], t[hi + 1]);
        let dd = self.d(a, c) + self.d(b, e) - self.d(a, b) - self.d(c, e);
        if !self.worth(dd) || !self.reverse_ok(lo, hi) {
            return false;
        }
        if self.accept(dd, lo, hi, |me| me.reverse(lo, hi)) {
            for x in [a, b, c, e] {
                self.push(x);
            }
            return true;
        }
        false
    }

    /// 2-opt moves removing an edge at `a`, guided by `a`'s neighbours.
    fn two_opt(&mut self, a: usize) -> bool {
        let i = self.pos[a];
        let last = self.t.len() - 1;
        for dir in [1isize, -1] {
            let b = self.t[(i as isize + dir) as usize];
            let dab = self.d(a, b);
            for m in 0..self.kn {
                let c = self.neigh[a * self.kn + m];
                if self.d(a, c) >= dab {
                    break;
                }
                let j = self.pos[c];
                // Edges (i, i+dir) and (j, j+dir) are replaced by (a, c) and their partners.
                let (ea, ec) = if dir == 1 { (i, j) } else { (i - 1, j - 1) };
                let (lo, hi) = if ea < ec { (ea + 1, ec) } else { (ec + 1, ea) };
                if lo >= hi || hi >= last {
                    continue;
                }
                if self.try_reverse(lo, hi) {
                    return true;
                }
            }
        }
        false
    }

    /// Or-opt: segments of 1-3 nodes with `a` at one end, moved next to a neighbour of either
    /// end, in both orientations.
    fn or_opt(&mut self, a: usize) -> bool {
        let i = self.pos[a];
        let last = self.t.len() - 1;
        for len in 1..=3usize {
            // The segment starts at a, or (longer ones) ends at it.
            let segs = [(i, i + len - 1), (i.wrapping_sub(len - 1), i)];
            for (n, &(s, e)) in segs.iter().enumerate() {
                if (n == 1 && (len == 1 || i < len)) || e >= last {
                    continue;
                }
                let (prev, first, end, next) = (self.t[s - 1], self.t[s], self.t[e], self.t[e + 1]);
                let gain = self.d(prev, first) + self.d(end, next) - self.d(prev, next);
                if gain <= EPS {
                    continue;
                }
                let ends: &[usize] = if len == 1 { &[0] } else { &[0, 1] };
                for &which in ends {
                    let x = if which == 0 { first } else { end };
                    for m in 0..self.kn {
                        let c = self.neigh[x * self.kn + m];
                        if self.d(x, c) >= gain {
                            break;
                        }
                        let jc = self.pos[c];
                        if jc >= s && jc <= e {
                            continue;
                        }
                        // x right after c: x leads the inserted segment.
                        let j = jc;
                        if !(j + 1 >= s && j <= e) {
                            let rev = x != first;
                            if self.try_move(s, e, j, rev) {
                                return true;
                            }
                        }
                        // x right before c: x ends the inserted segment.
                        let j = jc - 1;
                        if !(j + 1 >= s && j <= e) {
                            let rev = x != end;
                            if self.try_move(s, e, j, rev) {
                                return true;
                            }
                        }
                    }
                }
            }
        }
        false
    }

    /// Neighbour-list local search until no queued node improves.
    fn local_search(&mut self) {
        while let Some(a) = self.queue.pop_front() {
            self.queued[a] = false;
            if self.out_of_time() {
                break;
            }
            if self.two_opt(a) || self.or_opt(a) {
                self.push(a);
            }
        }
        if self.timed_out {
            while let Some(a) = self.queue.pop_front() {
                self.queued[a] = false;
            }
        }
    }

    /// Local search, then (with windows still missed) the exhaustive repair.
    fn improve(&mut self) {
        self.local_search();
        if self.late > LATE_EPS {
            self.repair();
        }
    }

    /// Every 2-opt and Or-opt move, judged on the full objective: for tours that are late,
    /// where moves that lengthen the tour may still be worth it. Quadratically many moves with
    /// linear evaluation, so it stops after `REPAIR_WORK / stops` moves tried (deterministic;
    /// 200,000 moves, a dozen passes, for a route of 60 stops).
    fn repair(&mut self) {
        const REPAIR_WORK: u64 = 12_000_000;
        if self.p.times.is_none() {
            return;
        }
        let last = self.t.len() - 1;
        let mut left = REPAIR_WORK / last as u64;
        loop {
            let mut improved = false;
            'pass: {
                for lo in 1..last {
                    for hi in lo + 1..last {
                        improved |= self.try_reverse(lo, hi);
                    }
                    left = left.saturating_sub((last - lo) as u64);
                    if left == 0 || self.out_of_time() {
                        break 'pass;
                    }
                }
                for s in 1..last {
                    for len in 1..=3 {
                        let e = s + len - 1;
                        if e >= last {
                            break;
                        }
                        for j in 0..last {
                            if j + 1 >= s && j <= e {
                                continue;
                            }
                            improved |= self.try_move(s, e, j, false);
                            if len > 1 {
                                improved |= self.try_move(s, e, j, true);
                            }
                        }
                        left = left.saturating_sub(2 * last as u64);
                    }
                    if left == 0 || self.out_of_time() {
                        break 'pass;
                    }
                }
            }
            if improved {
                self.local_search();
            }
            if !improved || left == 0 || self.out_of_time() || self.late <= LATE_EPS {
                break;
            }
        }
    }

    /// Swaps two adjacent random segments `t[p1..p2]`, `t[p2..p3]` (a double bridge made local),
    /// keeping precedence and, with windows, adding no lateness (a late tour seldom comes back,
    /// and the local search of a late tour is the expensive kind). Returns false if no valid
    /// kick was found.
    fn kick(&mut self, rng: &mut Rng) -> bool {
        let k = self.p.k;
        let maxlen = (k / 8).clamp(2, 50);
        for _ in 0..16 {
            let l1 = 1 + rng.below(maxlen);
            let l2 = 1 + rng.below(maxlen);
            if l1 + l2 > k {
                continue;
            }
            let p1 = 1 + rng.below(k - l1 - l2 + 1);
            let p2 = p1 + l1;
            let p3 = p2 + l2;
            if !self.swap_ok(p1, p2, p3) {
                continue;
            }
            let t = &self.t;
            let (a, b1, b2, c1, c2, e) = (t[p1 - 1], t[p1], t[p2 - 1], t[p2], t[p3 - 1], t[p3]);
            let dd = self.d(a, c1) + self.d(c2, b1) + self.d(b2, e)
                - self.d(a, b1)
                - self.d(b2, c1)
                - self.d(c2, e);
            self.t[p1..p3].rotate_left(l1);
            self.fix_pos(p1, p3 - 1);
            if self.p.times.is_some() {
                let bound = self.late + LATE_EPS;
                if self.lateness_after_change(p1, p3 - 1, bound) > bound {
                    self.t[p1..p3].rotate_right(l1);
                    self.fix_pos(p1, p3 - 1);
                    continue;
                }
            }
            self.mark(p1, p3 - 1);
            self.dist += dd;
            self.retime(p1);
            for x in [a, b1, b2, c1, c2, e] {
                self.push(x);
            }
            return true;
        }
        false
    }

    /// Precedence: may `t[p1..p2]` and `t[p2..p3]` swap places?
    fn swap_ok(&self, p1: usize, p2: usize, p3: usize) -> bool {
        let p = self.p;
        if !p.has_precedence() {
            return true;
        }
        for i in p1..p2 {
            let x = self.t[i];
            let g = p.group[x];
            if g != NONE
                && p.is_pickup[x]
                && p.drops[g as usize]
                    .iter()
                    .any(|&y| self.pos[y] >= p2 && self.pos[y] < p3)
            {
                return false;
            }
        }
        true
    }

    /// Iterated local search: kick, repair locally, keep the result if it is no worse.
    fn ils(&mut self, kicks: u64, rng: &mut Rng) {
        let k = self.p.k;
        self.local_search();
        if k < 8 || kicks == 0 {
            return;
        }
        let mut best_t = self.t.clone();
        let (mut best_dist, mut best_late) = (self.dist, self.late);
        for _ in 0..kicks {
            if self.out_of_time() {
                break;
            }
            self.lo = usize::MAX;
            self.hi = 0;
            if !self.kick(rng) {
                continue;
            }
            self.local_search();
            if self.lo > self.hi {
                continue;
            }
            let (lo, hi) = (self.lo, self.hi);
            let best = best_dist + LATE_WEIGHT * best_late;
            if self.penalised() <= best + EPS * 1e-3 {
                best_t[lo..=hi].copy_from_slice(&self.t[lo..=hi]);
                best_dist = self.dist;
                best_late = self.late;
            } else {
                self.t[lo..=hi].copy_from_slice(&best_t[lo..=hi]);
                self.fix_pos(lo, hi);
                self.dist = best_dist;
                self.retime(lo);
                debug_assert!((self.late - best_late).abs() <= 1e-6 * best_late.max(1.0));
            }
        }
        // Re-sum to drop accumulated rounding.
        let order = self.order();
        self.dist = self.p.length(&order);
        self.retime(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line_problem(k: usize) -> Problem {
        let xs: Vec<f64> = (0..k).map(|i| ((i * 7919) % k) as f64).collect();
        Problem::new(
            k,
            |i, j| (xs[i] - xs[j]).abs(),
            Some(&|i| xs[i].abs()),
            false,
        )
    }

    #[test]
    fn points_on_a_line_are_visited_in_order() {
        let p = line_problem(40);
        let sol = solve(
            &p,
            None,
            Budget {
                kicks: 100,
                deadline: None,
                seed: 1,
            },
        );
        assert_eq!(p.length(&sol.order), 39.0);
    }

    #[test]
    fn precedence_fix_moves_drops_after_their_pickups() {
        // drop g0, pickup g0, x, drop g1, pickup g1
        let info = [
            Some((0, false)),
            Some((0, true)),
            None,
            Some((1, false)),
            Some((1, true)),
        ];
        assert_eq!(precedence_fix(5, |i| info[i]), vec![1, 0, 2, 4, 3]);
    }

    #[test]
    fn rng_below_stays_in_range() {
        let mut r = Rng::new(7);
        for n in 1..50 {
            assert!(r.below(n) < n);
        }
    }
}
