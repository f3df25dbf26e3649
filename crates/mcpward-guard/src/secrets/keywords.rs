//! The keyword scanner: every keyword occurrence in a text in one table lookup per byte.
//!
//! `aho-corasick` builds the automaton (Aho-Corasick over all keywords, ASCII case-insensitive,
//! reporting overlapping occurrences). Its states and transitions, failure links resolved, are
//! then copied into one flat table indexed by state and byte class, numbered so that one
//! comparison tells a state that ends a keyword from one that does not. The scan loop is a load
//! of the byte's class, a load of the next state and a comparison: the crate's own search loop
//! spends about twice the instructions per byte through its general interface.

use aho_corasick::Anchored;
use aho_corasick::automaton::{Automaton, StateID};

/// Independent scans run side by side on a long text.
const LANES: usize = 4;

/// The shortest quarter worth a lane of its own.
const LANE_MIN: usize = 256;

/// Entries in the transition table: states × byte classes must stay below this (16 MiB).
const TABLE_MAX: usize = 1 << 22;

/// The fewest entries in the transition table (256 KiB), so that the scan loop is compiled for a
/// few table sizes only ([`Keywords::lanes`]).
const TABLE_MIN: usize = 1 << 16;

/// A compiled keyword set.
pub(crate) struct Keywords {
    /// Byte to its class: bytes that lead every state to the same next state share one.
    classes: [u8; 256],
    /// Number of classes: the width of one state's row in `table`.
    stride: usize,
    /// Row offset of the next state, for each state's row and class (rows are `stride` wide;
    /// matching ones start at `first_match`). Its length is a power of two, so that a masked
    /// index goes without a bounds check.
    table: Box<[u32]>,
    /// The start state's row offset.
    start: u32,
    /// Row offsets from this one up end at least one keyword; a power of two.
    first_match: u32,
    /// The longest keyword, in bytes.
    longest: usize,
    /// For each matching state (by `(row - first_match) / stride`): the keywords it ends, as
    /// (pattern id, length).
    matches: Vec<Vec<(usize, usize)>>,
}

impl Keywords {
    /// Builds the scanner; `None` if the automaton cannot be built (an empty or huge set, or
    /// more than 255 distinct keyword bytes).
    pub(crate) fn new(keywords: &[String]) -> Option<Self> {
        // The crate's NFA builds in a fifth of the time of its DFA; the table below is the DFA.
        let dfa = aho_corasick::nfa::noncontiguous::NFA::builder()
            .ascii_case_insensitive(true)
            .prefilter(false)
            .build(keywords)
            .ok()?;
        let start = dfa.start_state(Anchored::No).ok()?;
        // Byte classes: the automaton tells apart only the bytes of the keywords, an ASCII
        // letter and its other case alike; every other byte is class 0.
        let mut classes = [0u8; 256];
        let mut representative = vec![0u8];
        for b in keywords.iter().flat_map(|k| k.bytes()) {
            let b = b.to_ascii_lowercase();
            if classes[usize::from(b)] == 0 {
                let class = u8::try_from(representative.len()).ok()?;
                representative.push(b);
                classes[usize::from(b)] = class;
                classes[usize::from(b.to_ascii_uppercase())] = class;
            }
        }
        // Class 0 needs a byte outside every keyword (there are few keyword bytes).
        representative[0] = (0..=255u8).find(|&b| classes[usize::from(b)] == 0)?;
        let stride = representative.len();
        // Every state reachable from the start, in discovery order (the NFA numbers its states
        // densely, so a vector maps them).
        let mut order = vec![start];
        let mut seen: Vec<bool> = Vec::new();
        let mark = |seen: &mut Vec<bool>, sid: StateID| {
            let i = sid.as_usize();
            if i >= seen.len() {
                seen.resize(i + 1, false);
            }
            !std::mem::replace(&mut seen[i], true)
        };
        mark(&mut seen, start);
        let mut next = 0;
        while next < order.len() {
            let sid = order[next];
            next += 1;
            for &b in &representative {
                let to = dfa.next_state(Anchored::No, sid, b);
                if mark(&mut seen, to) {
                    order.push(to);
                }
            }
        }
        // Non-matching states first, then matching ones.
        let mut states: Vec<_> = order
            .iter()
            .copied()
            .filter(|&s| !dfa.is_match(s))
            .collect();
        let first_match_state = states.len();
        states.extend(order.iter().copied().filter(|&s| dfa.is_match(s)));
        let mut dense = vec![0usize; seen.len()];
        for (i, &s) in states.iter().enumerate() {
            dense[s.as_usize()] = i;
        }
        // Matching rows start at a power of two, so that one OR of several states tells whether
        // any of them matches. Every row must fit in the table.
        let first_match_row = (first_match_state * stride).next_power_of_two();
        let size = (first_match_row + (states.len() - first_match_state) * stride)
            .next_power_of_two()
            .max(TABLE_MIN);
        if size > TABLE_MAX {
            return None;
        }
        let row = |state: usize| {
            let offset = if state < first_match_state {
                state * stride
            } else {
                first_match_row + (state - first_match_state) * stride
            };
            u32::try_from(offset).ok()
        };
        let mut table = vec![0u32; size].into_boxed_slice();
        for (i, &s) in states.iter().enumerate() {
            let base = row(i)? as usize;
            for (class, &b) in representative.iter().enumerate() {
                *table.get_mut(base + class)? =
                    row(dense[dfa.next_state(Anchored::No, s, b).as_usize()])?;
            }
        }
        let matches = states[first_match_state..]
            .iter()
            .map(|&s| {
                (0..dfa.match_len(s))
                    .map(|k| {
                        let pattern = dfa.match_pattern(s, k);
                        let len = dfa.pattern_len(pattern);
                        (pattern.as_usize(), len)
                    })
                    .collect()
            })
            .collect();
        Some(Self {
            classes,
            stride,
            table,
            start: row(dense[start.as_usize()])?,
            first_match: row(first_match_state)?,
            longest: keywords.iter().map(String::len).max().unwrap_or(0),
            matches,
        })
    }

    /// Appends every keyword occurrence, overlapping ones included, in the order of their ends,
    /// as (pattern id, start, end).
    pub(crate) fn find_all(&self, text: &[u8], out: &mut Vec<Hit>) {
        if text.len() < LANES * LANE_MIN {
            self.find_in(text, 0, self.start, 0, text.len(), out);
            return;
        }
        // Each step waits for the table load of the step before: one chain of dependent loads
        // leaves the core idle most of the time. Four quarters of the text scanned in lockstep
        // are four independent chains. A quarter's scan starts early enough (the longest keyword
        // less one byte) to reach the state a scan from the start of the text would be in, and
        // reports only occurrences that end inside its quarter.
        let quarter = text.len() / LANES;
        let warm = self.longest.saturating_sub(1);
        let bounds: [usize; LANES + 1] =
            std::array::from_fn(|k| if k == LANES { text.len() } else { k * quarter });
        let starts: [usize; LANES] = std::array::from_fn(|k| bounds[k].saturating_sub(warm));
        // Every lane holds at least `quarter` bytes from its start.
        let lane = |k: usize| &text[starts[k]..starts[k] + quarter];
        let mut hits: [Vec<Hit>; LANES] = std::array::from_fn(|_| Vec::new());
        let lanes: [&[u8]; LANES] = std::array::from_fn(lane);
        // The table's length as a constant, so that the index mask is one too (the table is a
        // power of two long, from `TABLE_MIN` to `TABLE_MAX`).
        let state = match self.table.len() {
            TABLE_MIN => self.lanes::<TABLE_MIN>(lanes, &starts, &bounds, &mut hits),
            0x2_0000 => self.lanes::<0x2_0000>(lanes, &starts, &bounds, &mut hits),
            0x4_0000 => self.lanes::<0x4_0000>(lanes, &starts, &bounds, &mut hits),
            0x8_0000 => self.lanes::<0x8_0000>(lanes, &starts, &bounds, &mut hits),
            0x10_0000 => self.lanes::<0x10_0000>(lanes, &starts, &bounds, &mut hits),
            0x20_0000 => self.lanes::<0x20_0000>(lanes, &starts, &bounds, &mut hits),
            TABLE_MAX => self.lanes::<TABLE_MAX>(lanes, &starts, &bounds, &mut hits),
            _ => None,
        };
        let Some(state) = state else {
            // Not reached: `Keywords::new` makes the table one of those lengths.
            self.find_in(text, 0, self.start, 0, text.len(), out);
            return;
        };
        for (k, lane_hits) in hits.iter_mut().enumerate() {
            let from = starts[k] + quarter;
            self.find_in(text, bounds[k], state[k], from, bounds[k + 1], lane_hits);
            out.append(lane_hits);
        }
    }

    /// The lockstep scan of [`Keywords::find_all`] over four lanes of equal length (lane `k`
    /// starts at text offset `starts[k]` and reports occurrences that end after `bounds[k]`);
    /// returns each lane's last state, `None` if the table is not `N` long.
    fn lanes<const N: usize>(
        &self,
        lanes: [&[u8]; LANES],
        starts: &[usize; LANES],
        bounds: &[usize; LANES + 1],
        hits: &mut [Vec<Hit>; LANES],
    ) -> Option<[u32; LANES]> {
        // Positions at which some lane is in a matching state, with the four states, collected
        // over a block of the lanes and reported after it: the scan loop itself calls nothing,
        // so that its values stay in registers.
        const BLOCK: usize = 64;
        let mut marks = [(0usize, [0u32; LANES]); BLOCK];
        let mut state = [self.start; LANES];
        let table: &[u32; N] = self.table[..].try_into().ok()?;
        let classes = &self.classes;
        let first_match = self.first_match;
        let [l0, l1, l2, l3] = lanes;
        let len = l0.len().min(l1.len()).min(l2.len()).min(l3.len());
        let (l0, l1, l2, l3) = (&l0[..len], &l1[..len], &l2[..len], &l3[..len]);
        // A row offset plus a class stays inside the table (checked when it was built), so the
        // mask (a constant) never changes the index; it only spares the bounds check.
        let step = |state: u32, b: u8| {
            table[(state as usize + usize::from(classes[usize::from(b)])) & (N - 1)]
        };
        let mut from = 0;
        while from < len {
            let to = len.min(from + BLOCK);
            let mut count = 0;
            for j in from..to {
                state[0] = step(state[0], l0[j]);
                state[1] = step(state[1], l1[j]);
                state[2] = step(state[2], l2[j]);
                state[3] = step(state[3], l3[j]);
                // `first_match` is a power of two: the OR reaches it if and only if one state
                // does.
                if state[0] | state[1] | state[2] | state[3] >= first_match {
                    // At most `BLOCK` marks per block: the mask never changes the index.
                    marks[count & (BLOCK - 1)] = (j, state);
                    count += 1;
                }
            }
            for &(j, at) in &marks[..count.min(BLOCK)] {
                for k in 0..LANES {
                    let end = starts[k] + j + 1;
                    if at[k] >= first_match && end > bounds[k] {
                        self.report(at[k], end, &mut hits[k]);
                    }
                }
            }
            from = to;
        }
        Some(state)
    }

    /// Scans `text[from..to]` from `state`, reporting occurrences that end after `bound`.
    fn find_in(
        &self,
        text: &[u8],
        bound: usize,
        mut state: u32,
        from: usize,
        to: usize,
        out: &mut Vec<Hit>,
    ) {
        // Locals, so that the loop keeps them in registers.
        let classes = &self.classes;
        let table: &[u32] = &self.table;
        let mask = table.len() - 1;
        let first_match = self.first_match;
        for (i, &b) in text[from..to].iter().enumerate() {
            // As in `find_all`: the mask only spares the bounds check.
            state = table[(state as usize + usize::from(classes[usize::from(b)])) & mask];
            if state >= first_match && from + i + 1 > bound {
                self.report(state, from + i + 1, out);
            }
        }
    }

    /// Appends the keywords that matching state `state` ends at `end`.
    #[inline(never)]
    fn report(&self, state: u32, end: usize, out: &mut Vec<Hit>) {
        let index = (state - self.first_match) as usize / self.stride;
        for &(pattern, len) in &self.matches[index] {
            out.push(Hit {
                pattern,
                start: end - len,
                end,
            });
        }
    }
}

/// One keyword occurrence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Hit {
    /// Which keyword (its index in the list the scanner was built from).
    pub(crate) pattern: usize,
    /// Byte range of the occurrence.
    pub(crate) start: usize,
    pub(crate) end: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_overlapping_keywords_without_regard_to_case() {
        let words: Vec<String> = ["token", "authtoken", "auth", "ok"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        let scanner = Keywords::new(&words).expect("builds");
        let mut found = Vec::new();
        scanner.find_all(b"x_AuthToken=ok", &mut found);
        let mut hits: Vec<_> = found.iter().map(|h| (h.pattern, h.start, h.end)).collect();
        hits.sort_unstable();
        assert_eq!(
            hits,
            vec![(0, 6, 11), (1, 2, 11), (2, 2, 6), (3, 7, 9), (3, 12, 14)]
        );
        found.clear();
        scanner.find_all(b"nothing to see", &mut found);
        assert!(found.is_empty());
    }

    #[test]
    fn lanes_find_what_one_scan_finds() {
        let words: Vec<String> = ["token", "authtoken", "auth", "ok", "secret_key"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        let scanner = Keywords::new(&words).expect("builds");
        // Keywords everywhere, including across every quarter boundary for many lengths.
        for len in [1024, 1025, 1031, 4096, 5000] {
            let unit = b"xAuThToKeN secret_KEY.ok ";
            let text: Vec<u8> = unit.iter().copied().cycle().take(len).collect();
            let mut lanes = Vec::new();
            scanner.find_all(&text, &mut lanes);
            let mut single = Vec::new();
            scanner.find_in(&text, 0, scanner.start, 0, text.len(), &mut single);
            assert!(!single.is_empty());
            assert_eq!(lanes, single, "length {len}");
        }
    }

    /// The table `screen` scans folded text with (the secrets' keywords, the injection anchors
    /// and `needs` words: 2^19 entries today), whose lanes run in another instance of the
    /// lockstep loop than the small tables above.
    static SHARED: std::sync::LazyLock<Keywords> = std::sync::LazyLock::new(|| {
        let mut words = crate::secrets::keyword_list().to_vec();
        words.extend_from_slice(crate::injection::ascii_anchors(true).expect("rules build"));
        Keywords::new(&words).expect("builds")
    });

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// The four lanes find what one scan from the start finds, on texts made of keywords,
        /// pieces of them and separators, with keywords across the lane boundaries.
        #[test]
        fn lanes_find_what_one_scan_finds_in_the_shared_table(
            pieces in proptest::collection::vec(0usize..12, 200..1500),
        ) {
            const PIECES: [&str; 12] = [
                "ignore previous", "TOKEN", "api_key=", "you are now", "ghp_", " ", "\n",
                "ign", "password", "x", "<|im_start|>", "é",
            ];
            let text: String = pieces.iter().map(|&i| PIECES[i]).collect();
            let scanner = &*SHARED;
            let mut lanes = Vec::new();
            scanner.find_all(text.as_bytes(), &mut lanes);
            let mut single = Vec::new();
            scanner.find_in(text.as_bytes(), 0, scanner.start, 0, text.len(), &mut single);
            proptest::prop_assert_eq!(lanes, single);
        }
    }
}
