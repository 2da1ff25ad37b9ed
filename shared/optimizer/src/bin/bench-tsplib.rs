//! Route optimiser benchmark (std only).
//!
//! `bench-tsplib [FOLDER]` (default `../shared/bench/tsplib`, relative to the repository root):
//! every TSPLIB `EUC_2D` instance (`*.tsp`) in FOLDER is solved as a pure TSP with distances
//! rounded to the nearest integer; `optima.txt` beside them (`name : length`) gives the optimal
//! lengths. Then random routes (200 and 1,000 stops) are timed against their targets and random
//! pickup-and-delivery routes are checked for precedence. The last line is
//! `mean gap X.XX% over N instances`.
//!
//! Exit status: 1 when the folder cannot be read or precedence is broken.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use cargoflow_optimizer::{LatLng, Params, Start, Stop, check_precedence, optimize, solve_tsp};

struct Instance {
    name: String,
    points: Vec<(f64, f64)>,
}

fn main() -> ExitCode {
    let folder = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "../shared/bench/tsplib".into()),
    );
    let instances = match read_instances(&folder) {
        Ok(found) => found,
        Err(e) => {
            eprintln!("bench-tsplib: {}: {e}", folder.display());
            return ExitCode::FAILURE;
        }
    };
    let optima = read_optima(&folder.join("optima.txt")).unwrap_or_else(|e| {
        eprintln!("bench-tsplib: no optima ({e}); gaps are not reported");
        HashMap::new()
    });
    let params = Params::default();

    println!(
        "{:<12} {:>6} {:>10} {:>10} {:>8} {:>9}",
        "instance", "n", "length", "optimum", "gap %", "time ms"
    );
    let mut gaps = Vec::new();
    for inst in &instances {
        let pts = &inst.points;
        let n = pts.len();
        let dist = |i: usize, j: usize| nint(pts[i], pts[j]);
        let began = Instant::now();
        let tour = solve_tsp(n, dist, &params);
        let ms = began.elapsed().as_secs_f64() * 1e3;
        assert!(
            is_permutation(&tour, n),
            "{}: the tour is not a permutation",
            inst.name
        );
        let length: f64 = (0..n).map(|i| dist(tour[i], tour[(i + 1) % n])).sum();
        match optima.get(&inst.name) {
            Some(&opt) => {
                let gap = (length - opt) / opt * 100.0;
                gaps.push(gap);
                println!(
                    "{:<12} {:>6} {:>10.0} {:>10.0} {:>8.2} {:>9.1}",
                    inst.name, n, length, opt, gap, ms
                );
            }
            None => println!(
                "{:<12} {:>6} {:>10.0} {:>10} {:>8} {:>9.1}",
                inst.name, n, length, "?", "?", ms
            ),
        }
    }

    // For reference: the same engine without the perturbation rounds.
    let ls_only = Params {
        max_kicks: Some(0),
        ..Params::default()
    };
    let ls_gaps: Vec<f64> = instances
        .iter()
        .filter_map(|inst| {
            let opt = *optima.get(&inst.name)?;
            let pts = &inst.points;
            let n = pts.len();
            let tour = solve_tsp(n, |i, j| nint(pts[i], pts[j]), &ls_only);
            let length: f64 = (0..n)
                .map(|i| nint(pts[tour[i]], pts[tour[(i + 1) % n]]))
                .sum();
            Some((length - opt) / opt * 100.0)
        })
        .collect();
    println!(
        "(local search only, 2-opt + Or-opt without kicks: mean gap {:.2}%)",
        ls_gaps.iter().sum::<f64>() / ls_gaps.len().max(1) as f64
    );

    // Random routes around a city, depot in the middle, 30 km/h, 3 min service.
    let speed = Params::with_speed(30.0);
    for (n, target_ms) in [(200usize, 50.0), (1000, 1000.0)] {
        let mut times = Vec::new();
        let mut length = 0.0;
        for seed in 1..=3u64 {
            let stops = random_stops(n, seed, false);
            let began = Instant::now();
            let plan = optimize(Start::Depot(CENTRE), &stops, &speed).expect("valid input");
            times.push(began.elapsed().as_secs_f64() * 1e3);
            length += plan.schedule.total_distance_m / 3.0;
            assert_eq!(plan.order.len(), n);
        }
        let worst = times.iter().cloned().fold(0.0, f64::max);
        println!(
            "random {n} stops: {} ms (worst {worst:.1} ms, target <= {target_ms:.0} ms: {}), mean length {:.1} km",
            times
                .iter()
                .map(|t| format!("{t:.1}"))
                .collect::<Vec<_>>()
                .join(" / "),
            if worst <= target_ms { "ok" } else { "MISSED" },
            length / 1e3,
        );
    }

    // Pickup and delivery: random pairs; precedence must always hold.
    let mut broken = 0;
    let mut runs = 0;
    let began = Instant::now();
    for seed in 1..=20u64 {
        for orders in [5usize, 15, 30, 100] {
            let stops = random_stops(2 * orders, seed * 1000 + orders as u64, true);
            for start in [Start::Depot(CENTRE), Start::FirstStop] {
                let plan = optimize(start, &stops, &speed).expect("valid input");
                let by_id: HashMap<&str, &Stop> =
                    stops.iter().map(|s| (s.id.as_str(), s)).collect();
                let routed: Vec<Stop> = plan
                    .order
                    .iter()
                    .map(|id| by_id[id.as_str()].clone())
                    .collect();
                runs += 1;
                if let Err(v) = check_precedence(&routed) {
                    broken += 1;
                    eprintln!("precedence broken (seed {seed}, {orders} orders): {v}");
                }
            }
        }
    }
    println!(
        "pickup-and-delivery: {runs} random routes (5-100 orders), precedence held in {} ({:.0} ms in all)",
        runs - broken,
        began.elapsed().as_secs_f64() * 1e3
    );

    // Time windows, 30 orders (60 stops) per route. Tight: windows of 20-60 min placed around a
    // hidden valid route (so all can be met), input shuffled. Random: one- or two-hour windows
    // anywhere in seven hours, most of which no route can meet (lateness is minimised).
    for tight in [true, false] {
        let began = Instant::now();
        let (mut worst, mut unmet, mut unmet_input, runs) = (0.0f64, 0, 0, 10u64);
        for seed in 1..=runs {
            let mut stops = random_stops(60, 77 + seed, true);
            let mut rng = SplitMix(seed);
            if tight {
                let mut hidden = stops.clone();
                hidden.sort_by_key(|s| {
                    (
                        s.order_id.clone(),
                        s.kind == cargoflow_optimizer::StopKind::Drop,
                    )
                });
                let eta = cargoflow_optimizer::route_eta(Start::Depot(CENTRE), &hidden, &speed)
                    .expect("valid");
                let at: HashMap<&str, f64> = eta
                    .stops
                    .iter()
                    .map(|e| (e.id.as_str(), e.arrival_s))
                    .collect();
                for s in stops.iter_mut() {
                    let len = 1200.0 + (rng.unit() * 2400.0).floor();
                    let open = (at[s.id.as_str()] - rng.unit() * len).max(0.0).floor();
                    s.window = Some(cargoflow_optimizer::TimeWindow {
                        start_s: open,
                        end_s: open + len,
                    });
                }
            } else {
                for s in stops.iter_mut() {
                    let open = (rng.unit() * 7.0 * 3600.0).floor();
                    let len = if rng.unit() < 0.5 { 3600.0 } else { 7200.0 };
                    s.window = Some(cargoflow_optimizer::TimeWindow {
                        start_s: open,
                        end_s: open + len,
                    });
                }
            }
            let one = Instant::now();
            let plan = optimize(Start::Depot(CENTRE), &stops, &speed).expect("valid input");
            worst = worst.max(one.elapsed().as_secs_f64() * 1e3);
            unmet += plan.schedule.unmet_windows.len();
            let by_id: HashMap<&str, &Stop> = stops.iter().map(|s| (s.id.as_str(), s)).collect();
            let routed: Vec<Stop> = plan
                .order
                .iter()
                .map(|id| by_id[id.as_str()].clone())
                .collect();
            if let Err(v) = check_precedence(&routed) {
                broken += 1;
                eprintln!("precedence broken with windows (seed {seed}): {v}");
            }
            let input = cargoflow_optimizer::route_eta(Start::Depot(CENTRE), &stops, &speed)
                .expect("valid");
            unmet_input += input.unmet_windows.len();
        }
        println!(
            "time windows ({}): {runs} routes of 60 stops, {:.1} ms mean (worst {worst:.1} ms), {unmet} of {} windows missed (input order: {unmet_input})",
            if tight {
                "tight, all can be met"
            } else {
                "random, mostly impossible"
            },
            began.elapsed().as_secs_f64() * 1e3 / runs as f64,
            runs * 60,
        );
    }

    let mean = if gaps.is_empty() {
        f64::NAN
    } else {
        gaps.iter().sum::<f64>() / gaps.len() as f64
    };
    println!("mean gap {mean:.2}% over {} instances", gaps.len());
    if broken > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

const CENTRE: LatLng = LatLng {
    lat: 52.52,
    lng: 13.405,
};

/// `n` stops within about 15 km of the centre; with `pairs`, consecutive PICKUP/DROP pairs
/// (shuffled), otherwise stand-alone drops.
fn random_stops(n: usize, seed: u64, pairs: bool) -> Vec<Stop> {
    let mut rng = SplitMix(seed);
    let mut point = || {
        let lat = CENTRE.lat + (rng.unit() - 0.5) * 0.27;
        let lng = CENTRE.lng + (rng.unit() - 0.5) * 0.44;
        (lat, lng)
    };
    let mut stops: Vec<Stop> = (0..n)
        .map(|i| {
            let (lat, lng) = point();
            let stop = if pairs {
                let order = format!("o{}", i / 2);
                if i % 2 == 0 {
                    Stop::pickup(format!("p{}", i / 2), order)
                } else {
                    Stop::drop(format!("d{}", i / 2), order)
                }
            } else {
                Stop::new(format!("s{i}"), cargoflow_optimizer::StopKind::Drop)
            };
            stop.at(lat, lng).service(180.0)
        })
        .collect();
    // Shuffle (Fisher-Yates) so the input order is not a hint.
    let mut rng = SplitMix(seed ^ 0xABCD);
    for i in (1..stops.len()).rev() {
        let j = (rng.next() % (i as u64 + 1)) as usize;
        stops.swap(i, j);
    }
    stops
}

struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// TSPLIB EUC_2D: Euclidean distance rounded to the nearest integer.
fn nint(a: (f64, f64), b: (f64, f64)) -> f64 {
    ((a.0 - b.0).hypot(a.1 - b.1) + 0.5).floor()
}

fn is_permutation(tour: &[usize], n: usize) -> bool {
    let mut seen = vec![false; n];
    tour.len() == n
        && tour
            .iter()
            .all(|&i| i < n && !std::mem::replace(&mut seen[i], true))
}

fn read_instances(folder: &Path) -> Result<Vec<Instance>, String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "tsp"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for file in files {
        let text =
            std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        match parse_tsp(&text) {
            Ok(Some(mut inst)) => {
                if inst.name.is_empty() {
                    inst.name = file
                        .file_stem()
                        .unwrap_or_default()
                        .to_string_lossy()
                        .into_owned();
                }
                out.push(inst);
            }
            Ok(None) => eprintln!("skipping {} (not EUC_2D)", file.display()),
            Err(e) => return Err(format!("{}: {e}", file.display())),
        }
    }
    Ok(out)
}

/// Parses a TSPLIB file; `None` when its edge weights are not EUC_2D.
fn parse_tsp(text: &str) -> Result<Option<Instance>, String> {
    let (mut name, mut dim, mut kind) = (String::new(), None, String::new());
    let mut points = Vec::new();
    let mut in_coords = false;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if in_coords {
            if line == "EOF" || line.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) {
                break;
            }
            let mut it = line.split_whitespace().skip(1).map(str::parse::<f64>);
            match (it.next(), it.next()) {
                (Some(Ok(x)), Some(Ok(y))) => points.push((x, y)),
                _ => return Err(format!("bad coordinate line {line:?}")),
            }
        } else if line.starts_with("NODE_COORD_SECTION") {
            in_coords = true;
        } else if let Some((key, value)) = line.split_once(':') {
            let value = value.trim();
            match key.trim() {
                "NAME" => name = value.to_string(),
                "DIMENSION" => dim = value.parse::<usize>().ok(),
                "EDGE_WEIGHT_TYPE" => kind = value.to_string(),
                _ => {}
            }
        }
    }
    if kind != "EUC_2D" {
        return Ok(None);
    }
    if dim.is_some_and(|d| d != points.len()) {
        return Err(format!("DIMENSION {dim:?} but {} nodes", points.len()));
    }
    Ok(Some(Instance { name, points }))
}

fn read_optima(path: &Path) -> Result<HashMap<String, f64>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(text
        .lines()
        .filter_map(|line| {
            let (name, value) = line.split_once(':')?;
            Some((name.trim().to_string(), value.trim().parse::<f64>().ok()?))
        })
        .collect())
}
