//! A dependency graph between transactions and the search for cycles in it.
//!
//! Edges are Adya's dependencies (`ww`, `wr`, `rw`) plus real-time order (`rt`: one
//! transaction completed before the other began). A cycle is searched the way Elle does it:
//! strongly connected components first (a correct history has none, so the search costs nothing
//! then), then, from each edge of the kind that defines the anomaly, a breadth-first search
//! back to its start through the edge kinds the anomaly allows, counting the kinds on the way.

use std::collections::{HashMap, HashSet, VecDeque};

/// The kind of a dependency edge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rel {
    /// Write-write: the target overwrote (appended after) the source.
    Ww,
    /// Write-read: the target read the source's write.
    Wr,
    /// Read-write (anti-dependency): the target overwrote what the source read.
    Rw,
    /// Real time: the source completed before the target was invoked.
    Rt,
}

impl Rel {
    /// Its name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Rel::Ww => "ww",
            Rel::Wr => "wr",
            Rel::Rw => "rw",
            Rel::Rt => "rt",
        }
    }
}

/// An edge to `to`, with the key that explains it (none for real-time edges).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Edge {
    /// Target node.
    pub to: usize,
    /// Kind.
    pub rel: Rel,
    /// The key the dependency is on.
    pub key: Option<u64>,
}

/// How many edges of each kind a path holds (capped: the searches only ask "at least").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Counts {
    /// `rw` edges, capped at 2.
    pub rw: u8,
    /// `wr` edges, capped at 1.
    pub wr: u8,
    /// `rt` edges, capped at 1.
    pub rt: u8,
}

impl Counts {
    fn with(mut self, rel: Rel) -> Self {
        match rel {
            Rel::Rw => self.rw = (self.rw + 1).min(2),
            Rel::Wr => self.wr = 1,
            Rel::Rt => self.rt = 1,
            Rel::Ww => {}
        }
        self
    }
}

/// A directed graph over nodes `0..n`.
#[derive(Debug, Default)]
pub struct Graph {
    adj: Vec<Vec<Edge>>,
    seen: HashSet<(usize, usize, Rel)>,
}

/// What a cycle search looks for.
#[derive(Clone, Copy, Debug)]
pub struct CycleSpec {
    /// The kind of the first edge of every cycle found.
    pub start: Rel,
    /// The kinds the rest of the cycle may use.
    pub allowed: &'static [Rel],
    /// Accepts a cycle by its counts.
    pub accept: fn(Counts) -> bool,
}

/// Search states a cycle search may visit in all, per anomaly kind.
pub const SEARCH_BUDGET: usize = 20_000_000;

/// A cycle: each node with the edge that leaves it towards the next (the last one leads back
/// to the first).
pub type Cycle = Vec<(usize, Edge)>;

impl Graph {
    /// A graph of `n` nodes and no edges.
    pub fn new(n: usize) -> Self {
        Self { adj: vec![Vec::new(); n], seen: HashSet::new() }
    }

    /// Adds an edge (self-loops and duplicates are ignored).
    pub fn add(&mut self, from: usize, to: usize, rel: Rel, key: Option<u64>) {
        if from != to && self.seen.insert((from, to, rel)) {
            self.adj[from].push(Edge { to, rel, key });
        }
    }

    /// Number of edges.
    pub fn edge_count(&self) -> usize {
        self.seen.len()
    }

    /// Component id of every node over the edges of kinds `rels`, and which components have
    /// more than one node (Tarjan's algorithm, iterative).
    pub fn components(&self, rels: &[Rel]) -> (Vec<usize>, Vec<bool>) {
        let n = self.adj.len();
        let mut index = vec![usize::MAX; n];
        let mut low = vec![0; n];
        let mut on_stack = vec![false; n];
        let mut comp = vec![usize::MAX; n];
        let mut sizes: Vec<usize> = Vec::new();
        let mut stack = Vec::new();
        let mut next = 0;
        for root in 0..n {
            if index[root] != usize::MAX {
                continue;
            }
            let mut work: Vec<(usize, usize)> = vec![(root, 0)];
            index[root] = next;
            low[root] = next;
            next += 1;
            stack.push(root);
            on_stack[root] = true;
            while let Some(&mut (v, ref mut i)) = work.last_mut() {
                let edges = &self.adj[v];
                if *i < edges.len() {
                    let e = edges[*i];
                    *i += 1;
                    if !rels.contains(&e.rel) {
                        continue;
                    }
                    let w = e.to;
                    if index[w] == usize::MAX {
                        index[w] = next;
                        low[w] = next;
                        next += 1;
                        stack.push(w);
                        on_stack[w] = true;
                        work.push((w, 0));
                    } else if on_stack[w] {
                        low[v] = low[v].min(index[w]);
                    }
                } else {
                    work.pop();
                    if let Some(&(parent, _)) = work.last() {
                        low[parent] = low[parent].min(low[v]);
                    }
                    if low[v] == index[v] {
                        let id = sizes.len();
                        let mut size = 0;
                        while let Some(w) = stack.pop() {
                            on_stack[w] = false;
                            comp[w] = id;
                            size += 1;
                            if w == v {
                                break;
                            }
                        }
                        sizes.push(size);
                    }
                }
            }
        }
        (comp, sizes.into_iter().map(|s| s > 1).collect())
    }

    /// Up to `limit` cycles matching `spec`, trying at most `max_starts` start edges and
    /// visiting at most [`SEARCH_BUDGET`] search states in all (a history with one anomaly can
    /// make most of the graph one component).
    pub fn cycles(&self, spec: &CycleSpec, limit: usize, max_starts: usize) -> Vec<Cycle> {
        let mut budget = SEARCH_BUDGET;
        let mut rels: Vec<Rel> = spec.allowed.to_vec();
        rels.push(spec.start);
        let (comp, nontrivial) = self.components(&rels);
        let mut found: Vec<Cycle> = Vec::new();
        let mut covered: HashSet<(usize, usize)> = HashSet::new();
        let mut tries = 0;
        for a in 0..self.adj.len() {
            if !nontrivial[comp[a]] {
                continue;
            }
            for e in &self.adj[a] {
                if e.rel != spec.start || comp[e.to] != comp[a] || covered.contains(&(a, e.to)) {
                    continue;
                }
                tries += 1;
                if tries > max_starts || found.len() >= limit || budget == 0 {
                    return found;
                }
                if let Some(cycle) = self.close(a, *e, spec, &comp, &mut budget) {
                    covered.extend(cycle.iter().map(|(n, e)| (*n, e.to)));
                    found.push(cycle);
                }
            }
        }
        found
    }

    /// A shortest path from `first.to` back to `a` that makes `a → first.to → … → a` a cycle
    /// accepted by `spec`.
    fn close(&self, a: usize, first: Edge, spec: &CycleSpec, comp: &[usize], budget: &mut usize) -> Option<Cycle> {
        type State = (usize, Counts);
        let start: State = (first.to, Counts::default().with(first.rel));
        let mut parent: HashMap<State, (State, Edge)> = HashMap::new();
        let mut queue = VecDeque::from([start]);
        let mut visited: HashSet<State> = HashSet::from([start]);
        while let Some(state @ (v, counts)) = queue.pop_front() {
            if *budget == 0 {
                return None;
            }
            *budget -= 1;
            for e in &self.adj[v] {
                if !spec.allowed.contains(&e.rel) || comp[e.to] != comp[a] {
                    continue;
                }
                let next = (e.to, counts.with(e.rel));
                if e.to == a {
                    if (spec.accept)(next.1) {
                        let mut path = vec![(v, *e)];
                        let mut s = state;
                        while let Some(&(prev, edge)) = parent.get(&s) {
                            path.push((prev.0, edge));
                            s = prev;
                        }
                        path.push((a, first));
                        path.reverse();
                        return Some(path);
                    }
                    continue;
                }
                if visited.insert(next) {
                    parent.insert(next, (state, *e));
                    queue.push_back(next);
                }
            }
        }
        None
    }
}

/// The counts of a cycle's edges.
pub fn counts(cycle: &Cycle) -> Counts {
    cycle.iter().fold(Counts::default(), |c, (_, e)| c.with(e.rel))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANY: CycleSpec = CycleSpec { start: Rel::Rw, allowed: &[Rel::Ww, Rel::Wr, Rel::Rw], accept: |_| true };
    const TWO_RW: CycleSpec =
        CycleSpec { start: Rel::Rw, allowed: &[Rel::Ww, Rel::Wr, Rel::Rw], accept: |c| c.rw >= 2 };

    #[test]
    fn components_find_only_cycles() {
        let mut g = Graph::new(4);
        g.add(0, 1, Rel::Ww, Some(1));
        g.add(1, 2, Rel::Ww, Some(1));
        g.add(2, 0, Rel::Wr, Some(1));
        g.add(2, 3, Rel::Ww, Some(1));
        let (comp, nontrivial) = g.components(&[Rel::Ww, Rel::Wr]);
        assert_eq!(comp[0], comp[1]);
        assert_eq!(comp[1], comp[2]);
        assert!(nontrivial[comp[0]] && !nontrivial[comp[3]]);
        let (comp, nontrivial) = g.components(&[Rel::Ww]);
        assert!(!nontrivial[comp[0]], "without wr there is no cycle");
    }

    #[test]
    fn a_cycle_is_closed_through_allowed_edges_and_counted() {
        let mut g = Graph::new(3);
        g.add(0, 1, Rel::Rw, Some(1));
        g.add(1, 2, Rel::Wr, Some(2));
        g.add(2, 0, Rel::Rw, Some(3));
        let found = g.cycles(&ANY, 5, 100);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].len(), 3);
        assert_eq!(counts(&found[0]).rw, 2);
        assert_eq!(g.cycles(&TWO_RW, 5, 100).len(), 1);
        let one_rw = CycleSpec { start: Rel::Rw, allowed: &[Rel::Ww, Rel::Wr], accept: |_| true };
        assert!(g.cycles(&one_rw, 5, 100).is_empty(), "every closing path needs a second rw");
    }

    #[test]
    fn acyclic_graphs_have_no_cycles() {
        let mut g = Graph::new(50);
        for i in 0..49 {
            g.add(i, i + 1, Rel::Rw, None);
            g.add(i, i + 1, Rel::Ww, None);
        }
        assert!(g.cycles(&ANY, 5, 100).is_empty());
    }
}
