//! What the API pays for planning: `optimize` is create-route / optimize-route (pickup-and-drop
//! pairs with time windows, the default kick budget), `route_eta` runs on every driver move and
//! every reorder. `make bench-optimizer` covers solution quality on TSPLIB.

use cargoflow_optimizer::{LatLng, Params, Start, Stop, optimize, route_eta};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::hint::black_box;

/// `orders` pickup-and-drop pairs scattered over a city (~20 km across), reproducible; every
/// third drop has a two-hour window.
fn city(orders: usize) -> Vec<Stop> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % 10_000) as f64 / 10_000.0
    };
    let mut stops = Vec::with_capacity(orders * 2);
    for i in 0..orders {
        let o = format!("o{i}");
        stops.push(
            Stop::pickup(format!("p{i}"), &o).at(52.45 + next() * 0.18, 13.25 + next() * 0.3),
        );
        let mut d = Stop::drop(format!("d{i}"), &o).at(52.45 + next() * 0.18, 13.25 + next() * 0.3);
        if i % 3 == 0 {
            let open = 3600.0 * (i % 6) as f64;
            d = d.window(open, open + 7200.0);
        }
        stops.push(d.service(300.0));
    }
    stops
}

fn bench(c: &mut Criterion) {
    let depot = Start::Depot(LatLng::new(52.52, 13.40));
    let params = Params::default();
    let mut g = c.benchmark_group("optimize");
    g.sample_size(10);
    for orders in [10usize, 25, 50] {
        let stops = city(orders);
        g.bench_with_input(BenchmarkId::from_parameter(orders * 2), &stops, |b, s| {
            b.iter(|| optimize(depot, black_box(s), &params).unwrap())
        });
    }
    g.finish();
    let mut g = c.benchmark_group("route_eta");
    for orders in [10usize, 50] {
        let stops = city(orders);
        g.bench_with_input(BenchmarkId::from_parameter(orders * 2), &stops, |b, s| {
            b.iter(|| route_eta(depot, black_box(s), &params).unwrap())
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
