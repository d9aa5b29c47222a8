// Graph statistics; see stats.hpp for definitions and references.
#include "dipsim/graph/stats.hpp"

#include <tbb/blocked_range.h>
#include <tbb/combinable.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_reduce.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <limits>

#include "sampling.hpp"

namespace dipsim::graph {

namespace {

constexpr NodeId kRowGrain = 1024;
constexpr std::uint32_t kUnreached = std::numeric_limits<std::uint32_t>::max();

std::size_t sorted_intersection_size(std::span<const NodeId> a, std::span<const NodeId> b,
                                     NodeId skip) {
  std::size_t i = 0, j = 0, count = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] < b[j]) {
      ++i;
    } else if (b[j] < a[i]) {
      ++j;
    } else {
      count += a[i] != skip ? 1 : 0;
      ++i;
      ++j;
    }
  }
  return count;
}

/// Integer sum over nodes, parallel (integers: order does not matter).
template <class F>
std::uint64_t count_sum(NodeId n, F f) {
  return tbb::parallel_reduce(
      tbb::blocked_range<NodeId>(0, n, kRowGrain), std::uint64_t{0},
      [&](const tbb::blocked_range<NodeId>& r, std::uint64_t acc) {
        for (NodeId v = r.begin(); v != r.end(); ++v) acc += f(v);
        return acc;
      },
      [](std::uint64_t a, std::uint64_t b) { return a + b; });
}

DegreeStats degree_stats(const Csr& csr) {
  DegreeStats s;
  const NodeId n = csr.num_nodes();
  if (n == 0) return s;
  s.max = tbb::parallel_reduce(
      tbb::blocked_range<NodeId>(0, n, kRowGrain), EdgeId{0},
      [&](const tbb::blocked_range<NodeId>& r, EdgeId m) {
        for (NodeId v = r.begin(); v != r.end(); ++v) m = std::max(m, csr.degree(v));
        return m;
      },
      [](EdgeId a, EdgeId b) { return std::max(a, b); });
  s.mean = static_cast<double>(csr.num_edges()) / static_cast<double>(n);
  const double mean = s.mean;
  s.variance = detail::deterministic_sum(
                   n,
                   [&](std::size_t v) {
                     const double d =
                         static_cast<double>(csr.degree(static_cast<NodeId>(v))) - mean;
                     return d * d;
                   }) /
               static_cast<double>(n);
  tbb::combinable<std::vector<NodeId>> local([&] { return std::vector<NodeId>(s.max + 1, 0); });
  tbb::parallel_for(tbb::blocked_range<NodeId>(0, n, 16384),
                    [&](const tbb::blocked_range<NodeId>& r) {
                      auto& h = local.local();
                      for (NodeId v = r.begin(); v != r.end(); ++v) ++h[csr.degree(v)];
                    });
  s.histogram.assign(s.max + 1, 0);
  local.combine_each([&](const std::vector<NodeId>& h) {
    for (std::size_t k = 0; k < h.size(); ++k) s.histogram[k] += h[k];
  });
  return s;
}

/// Pearson correlation of (x_u, y_v) over the edges u -> v of `csr`, centred two-pass.
double edge_pearson(const Csr& csr, const std::vector<double>& x, const std::vector<double>& y) {
  const NodeId n = csr.num_nodes();
  const double m = static_cast<double>(csr.num_edges());
  if (m == 0.0) return 0.0;
  const double sx = detail::deterministic_sum(n, [&](std::size_t u) {
    return x[u] * static_cast<double>(csr.degree(static_cast<NodeId>(u)));
  });
  const double sy = detail::deterministic_sum(n, [&](std::size_t u) {
    double acc = 0.0;
    for (NodeId v : csr.row(static_cast<NodeId>(u))) acc += y[v];
    return acc;
  });
  const double mx = sx / m, my = sy / m;
  double cov = 0.0, vx = 0.0, vy = 0.0;
  cov = detail::deterministic_sum(n, [&](std::size_t u) {
    double acc = 0.0;
    for (NodeId v : csr.row(static_cast<NodeId>(u))) acc += y[v] - my;
    return (x[u] - mx) * acc;
  });
  vx = detail::deterministic_sum(n, [&](std::size_t u) {
    const double d = x[u] - mx;
    return d * d * static_cast<double>(csr.degree(static_cast<NodeId>(u)));
  });
  vy = detail::deterministic_sum(n, [&](std::size_t u) {
    double acc = 0.0;
    for (NodeId v : csr.row(static_cast<NodeId>(u))) acc += (y[v] - my) * (y[v] - my);
    return acc;
  });
  if (!(vx > 0.0) || !(vy > 0.0)) return std::numeric_limits<double>::quiet_NaN();
  return cov / std::sqrt(vx * vy);
}

// ---- components ----

NodeId uf_find(std::vector<NodeId>& parent, NodeId x) {
  for (;;) {
    std::atomic_ref<NodeId> px(parent[x]);
    NodeId p = px.load(std::memory_order_acquire);
    if (p == x) return x;
    const NodeId gp = std::atomic_ref<NodeId>(parent[p]).load(std::memory_order_acquire);
    if (gp != p) px.compare_exchange_weak(p, gp, std::memory_order_acq_rel);  // path halving
    x = gp;
  }
}

void uf_unite(std::vector<NodeId>& parent, NodeId a, NodeId b) {
  for (;;) {
    a = uf_find(parent, a);
    b = uf_find(parent, b);
    if (a == b) return;
    if (a < b) std::swap(a, b);  // link the larger root under the smaller: no cycles
    NodeId expected = a;
    if (std::atomic_ref<NodeId>(parent[a]).compare_exchange_strong(expected, b,
                                                                   std::memory_order_acq_rel)) {
      return;
    }
  }
}

/// Weak component label (smallest node id of the component) per node.
std::vector<NodeId> weak_labels(const Csr& following) {
  const NodeId n = following.num_nodes();
  std::vector<NodeId> parent(n);
  tbb::parallel_for(NodeId{0}, n, [&](NodeId v) { parent[v] = v; });
  tbb::parallel_for(tbb::blocked_range<NodeId>(0, n, kRowGrain),
                    [&](const tbb::blocked_range<NodeId>& r) {
                      for (NodeId u = r.begin(); u != r.end(); ++u) {
                        for (NodeId v : following.row(u)) uf_unite(parent, u, v);
                      }
                    });
  // Flatten: other threads' uf_find() reads parent[v] through atomic_ref while this writes it, so
  // the store must be atomic too (a plain store here was a data race that TSan reported; every
  // value written is an ancestor of v, so any interleaving ends with each v under its root).
  tbb::parallel_for(NodeId{0}, n, [&](NodeId v) {
    const NodeId root = uf_find(parent, v);
    std::atomic_ref<NodeId>(parent[v]).store(root, std::memory_order_relaxed);
  });
  return parent;
}

/// Strongly connected components: (count, largest). Iterative Tarjan.
std::pair<NodeId, NodeId> strong_components(const Csr& g) {
  const NodeId n = g.num_nodes();
  std::vector<NodeId> index(n, kNoNode), low(n, 0);
  std::vector<std::uint8_t> on_stack(n, 0);
  std::vector<NodeId> stack;
  std::vector<std::pair<NodeId, EdgeId>> call;  // (node, next edge position)
  NodeId next_index = 0, count = 0, largest = 0;
  for (NodeId root = 0; root < n; ++root) {
    if (index[root] != kNoNode) continue;
    call.emplace_back(root, g.offsets[root]);
    index[root] = low[root] = next_index++;
    stack.push_back(root);
    on_stack[root] = 1;
    while (!call.empty()) {
      auto& [v, pos] = call.back();
      if (pos < g.offsets[v + 1]) {
        const NodeId w = g.targets[pos++];
        if (index[w] == kNoNode) {
          index[w] = low[w] = next_index++;
          stack.push_back(w);
          on_stack[w] = 1;
          call.emplace_back(w, g.offsets[w]);
        } else if (on_stack[w]) {
          low[v] = std::min(low[v], index[w]);
        }
        continue;
      }
      const NodeId done = v;
      call.pop_back();
      if (!call.empty()) {
        const NodeId parent = call.back().first;
        low[parent] = std::min(low[parent], low[done]);
      }
      if (low[done] == index[done]) {
        NodeId size = 0;
        NodeId w = kNoNode;
        do {
          w = stack.back();
          stack.pop_back();
          on_stack[w] = 0;
          ++size;
        } while (w != done);
        ++count;
        largest = std::max(largest, size);
      }
    }
  }
  return {count, largest};
}

/// Level-synchronous parallel BFS on an undirected CSR; returns (eccentricity, farthest node with
/// the smallest id). Distances are deterministic whatever the thread count.
std::pair<std::uint32_t, NodeId> bfs_farthest(const Csr& g, NodeId source,
                                              std::vector<std::uint32_t>& dist) {
  std::fill(dist.begin(), dist.end(), kUnreached);
  dist[source] = 0;
  std::vector<NodeId> frontier{source};
  std::uint32_t level = 0;
  NodeId farthest = source;
  constexpr std::size_t kGrain = 256;
  while (!frontier.empty()) {
    farthest = *std::min_element(frontier.begin(), frontier.end());
    const std::size_t chunks = (frontier.size() + kGrain - 1) / kGrain;
    std::vector<std::vector<NodeId>> parts(chunks);
    tbb::parallel_for(std::size_t{0}, chunks, [&](std::size_t c) {
      const std::size_t end = std::min(frontier.size(), (c + 1) * kGrain);
      for (std::size_t i = c * kGrain; i < end; ++i) {
        for (NodeId u : g.row(frontier[i])) {
          std::atomic_ref<std::uint32_t> du(dist[u]);
          std::uint32_t expected = kUnreached;
          if (du.load(std::memory_order_relaxed) == kUnreached &&
              du.compare_exchange_strong(expected, level + 1, std::memory_order_relaxed)) {
            parts[c].push_back(u);
          }
        }
      }
    });
    std::vector<NodeId> next;
    for (auto& p : parts) next.insert(next.end(), p.begin(), p.end());
    if (next.empty()) break;
    frontier.swap(next);
    ++level;
  }
  return {level, farthest};
}

/// u ~ v when v is in out.row(u) or in.row(u), u != v; rows merged, sorted, de-duplicated.
Csr projection_of(const Csr& out, const Csr& in) {
  const NodeId n = out.num_nodes();
  Csr p;
  p.offsets.assign(static_cast<std::size_t>(n) + 1, 0);
  auto merge = [&](NodeId v, NodeId* dst) {
    const auto a = out.row(v);
    const auto b = in.row(v);
    std::size_t i = 0, j = 0;
    EdgeId k = 0;
    NodeId last = kNoNode;
    while (i < a.size() || j < b.size()) {
      NodeId x;
      if (j >= b.size() || (i < a.size() && a[i] <= b[j])) {
        x = a[i++];
      } else {
        x = b[j++];
      }
      if (x == v || x == last) continue;
      last = x;
      if (dst != nullptr) dst[k] = x;
      ++k;
    }
    return k;
  };
  tbb::parallel_for(tbb::blocked_range<NodeId>(0, n, kRowGrain),
                    [&](const tbb::blocked_range<NodeId>& r) {
                      for (NodeId v = r.begin(); v != r.end(); ++v)
                        p.offsets[v] = merge(v, nullptr);
                    });
  detail::exclusive_scan_inplace(p.offsets);
  p.targets.resize(p.offsets[n]);
  tbb::parallel_for(tbb::blocked_range<NodeId>(0, n, kRowGrain),
                    [&](const tbb::blocked_range<NodeId>& r) {
                      for (NodeId v = r.begin(); v != r.end(); ++v) {
                        merge(v, p.targets.data() + p.offsets[v]);
                      }
                    });
  return p;
}

}  // namespace

Csr undirected_projection(const FollowGraph& graph) {
  if (graph.followers.empty()) return projection_of(graph.following, transpose(graph.following));
  return projection_of(graph.following, graph.followers);
}

std::vector<std::uint64_t> triangles_per_node(const Csr& g) {
  const NodeId n = g.num_nodes();
  std::vector<std::uint64_t> t(n, 0);
  if (n == 0) return t;
  // Orientation: v -> u when (deg v, v) < (deg u, u); each triangle is found once, from its
  // lowest-ranked vertex.
  auto above = [&](NodeId v, NodeId u) {
    const EdgeId dv = g.degree(v), du = g.degree(u);
    return dv < du || (dv == du && v < u);
  };
  Csr fwd;
  fwd.offsets.assign(static_cast<std::size_t>(n) + 1, 0);
  tbb::parallel_for(tbb::blocked_range<NodeId>(0, n, kRowGrain),
                    [&](const tbb::blocked_range<NodeId>& r) {
                      for (NodeId v = r.begin(); v != r.end(); ++v) {
                        EdgeId c = 0;
                        for (NodeId u : g.row(v)) c += above(v, u) ? 1 : 0;
                        fwd.offsets[v] = c;
                      }
                    });
  detail::exclusive_scan_inplace(fwd.offsets);
  fwd.targets.resize(fwd.offsets[n]);
  tbb::parallel_for(tbb::blocked_range<NodeId>(0, n, kRowGrain),
                    [&](const tbb::blocked_range<NodeId>& r) {
                      for (NodeId v = r.begin(); v != r.end(); ++v) {
                        EdgeId k = fwd.offsets[v];
                        for (NodeId u : g.row(v)) {
                          if (above(v, u)) fwd.targets[k++] = u;
                        }
                      }
                    });
  tbb::parallel_for(
      tbb::blocked_range<NodeId>(0, n, 256), [&](const tbb::blocked_range<NodeId>& r) {
        for (NodeId v = r.begin(); v != r.end(); ++v) {
          const auto nv = fwd.row(v);
          for (NodeId u : nv) {
            const auto nu = fwd.row(u);
            std::size_t i = 0, j = 0;
            std::uint64_t found = 0;
            while (i < nv.size() && j < nu.size()) {
              if (nv[i] < nu[j]) {
                ++i;
              } else if (nu[j] < nv[i]) {
                ++j;
              } else {
                std::atomic_ref<std::uint64_t>(t[nv[i]]).fetch_add(1, std::memory_order_relaxed);
                ++found;
                ++i;
                ++j;
              }
            }
            if (found > 0) {
              std::atomic_ref<std::uint64_t>(t[v]).fetch_add(found, std::memory_order_relaxed);
              std::atomic_ref<std::uint64_t>(t[u]).fetch_add(found, std::memory_order_relaxed);
            }
          }
        }
      });
  return t;
}

std::vector<EdgeId> out_degrees(const FollowGraph& graph) {
  const NodeId n = graph.following.num_nodes();
  std::vector<EdgeId> d(n);
  tbb::parallel_for(NodeId{0}, n, [&](NodeId v) { d[v] = graph.following.degree(v); });
  return d;
}

std::vector<EdgeId> in_degrees(const FollowGraph& graph) {
  const NodeId n = graph.following.num_nodes();
  std::vector<EdgeId> d(n, 0);
  if (!graph.followers.empty()) {
    tbb::parallel_for(NodeId{0}, n, [&](NodeId v) { d[v] = graph.followers.degree(v); });
  } else {
    for (NodeId t : graph.following.targets) ++d[t];
  }
  return d;
}

double power_law_exponent_mle(std::span<const EdgeId> values, EdgeId xmin) {
  if (xmin < 1) xmin = 1;
  const double base = static_cast<double>(xmin) - 0.5;
  double sum = 0.0;
  std::size_t count = 0;
  for (EdgeId x : values) {
    if (x < xmin) continue;
    sum += std::log(static_cast<double>(x) / base);
    ++count;
  }
  if (count == 0 || sum <= 0.0) return 0.0;
  return 1.0 + static_cast<double>(count) / sum;
}

GraphStats describe(const FollowGraph& graph, const DescribeOptions& options) {
  GraphStats s;
  const Csr& out = graph.following;
  Csr reverse_storage;
  const Csr* in = &graph.followers;
  if (in->empty()) {
    reverse_storage = transpose(out);
    in = &reverse_storage;
  }
  const NodeId n = out.num_nodes();
  s.num_nodes = n;
  s.num_edges = out.num_edges();
  s.out_degree = degree_stats(out);
  s.in_degree = degree_stats(*in);
  s.self_loops = count_sum(n, [&](NodeId v) {
    const auto row = out.row(v);
    return static_cast<std::uint64_t>(std::count(row.begin(), row.end(), v));
  });
  s.isolated_nodes = static_cast<NodeId>(
      count_sum(n, [&](NodeId v) { return out.degree(v) == 0 && in->degree(v) == 0 ? 1u : 0u; }));
  // Reciprocity: u -> v with v -> u, i.e. v in following(u) and in followers(u).
  const std::uint64_t reciprocated =
      count_sum(n, [&](NodeId v) { return sorted_intersection_size(out.row(v), in->row(v), v); });
  s.reciprocity =
      s.num_edges > 0 ? static_cast<double>(reciprocated) / static_cast<double>(s.num_edges) : 0.0;

  // Assortativity (directed, out-in).
  {
    std::vector<double> x(n), y(n);
    tbb::parallel_for(NodeId{0}, n, [&](NodeId v) {
      x[v] = static_cast<double>(out.degree(v));
      y[v] = static_cast<double>(in->degree(v));
    });
    s.assortativity = edge_pearson(out, x, y);
  }

  // Mixing across countries and communities.
  if (!graph.country.empty() && !graph.community.empty() && graph.country.size() == n) {
    // Country 0xFFFF marks accounts without a country (e.g. a state's ministry): they are
    // left out of the country counts and shares.
    constexpr std::uint16_t kNone = 0xFFFF;
    std::uint16_t max_country = 0;
    for (std::uint16_t c : graph.country) {
      if (c != kNone) max_country = std::max(max_country, c);
    }
    s.num_countries = static_cast<std::uint32_t>(max_country) + 1;
    const std::uint64_t cross_country = count_sum(n, [&](NodeId u) {
      std::uint64_t c = 0;
      if (graph.country[u] == kNone) return c;
      for (NodeId v : out.row(u)) {
        c += graph.country[v] != kNone && graph.country[u] != graph.country[v] ? 1 : 0;
      }
      return c;
    });
    const std::uint64_t with_countries = count_sum(n, [&](NodeId u) {
      std::uint64_t c = 0;
      if (graph.country[u] == kNone) return c;
      for (NodeId v : out.row(u)) c += graph.country[v] != kNone ? 1 : 0;
      return c;
    });
    const std::uint64_t cross_community = count_sum(n, [&](NodeId u) {
      std::uint64_t c = 0;
      for (NodeId v : out.row(u)) c += graph.community[u] != graph.community[v] ? 1 : 0;
      return c;
    });
    if (s.num_edges > 0) {
      s.cross_country_share = with_countries > 0 ? static_cast<double>(cross_country) /
                                                       static_cast<double>(with_countries)
                                                 : 0.0;
      s.cross_community_share =
          static_cast<double>(cross_community) / static_cast<double>(s.num_edges);
    }
    if (s.num_countries <= 256) {
      const std::size_t k = s.num_countries;
      tbb::combinable<std::vector<EdgeId>> local([&] { return std::vector<EdgeId>(k * k, 0); });
      tbb::parallel_for(tbb::blocked_range<NodeId>(0, n, kRowGrain),
                        [&](const tbb::blocked_range<NodeId>& r) {
                          auto& mix = local.local();
                          for (NodeId u = r.begin(); u != r.end(); ++u) {
                            if (graph.country[u] == kNone) continue;
                            for (NodeId v : out.row(u)) {
                              if (graph.country[v] != kNone) {
                                ++mix[graph.country[u] * k + graph.country[v]];
                              }
                            }
                          }
                        });
      s.country_mixing.assign(k * k, 0);
      local.combine_each([&](const std::vector<EdgeId>& mix) {
        for (std::size_t i = 0; i < mix.size(); ++i) s.country_mixing[i] += mix[i];
      });
    }
  }

  // Undirected projection: clustering, undirected assortativity, diameter.
  const Csr projection = projection_of(out, *in);
  s.undirected_edges = projection.num_edges() / 2;
  {
    std::vector<double> d(n);
    tbb::parallel_for(NodeId{0}, n,
                      [&](NodeId v) { d[v] = static_cast<double>(projection.degree(v)); });
    s.undirected_assortativity = edge_pearson(projection, d, d);
  }
  if (options.clustering) {
    const std::vector<std::uint64_t> t = triangles_per_node(projection);
    std::uint64_t sum_t = 0, triads = 0;
    for (NodeId v = 0; v < n; ++v) {
      sum_t += t[v];
      const std::uint64_t dv = projection.degree(v);
      triads += dv * (dv - (dv > 0 ? 1 : 0)) / 2;
    }
    s.triangles = sum_t / 3;
    s.transitivity = triads > 0 ? static_cast<double>(sum_t) / static_cast<double>(triads) : 0.0;
    const double total = detail::deterministic_sum(n, [&](std::size_t v) {
      const double dv = static_cast<double>(projection.degree(static_cast<NodeId>(v)));
      return dv < 2.0 ? 0.0 : 2.0 * static_cast<double>(t[v]) / (dv * (dv - 1.0));
    });
    s.average_clustering = n > 0 ? total / static_cast<double>(n) : 0.0;
  }
  if (options.components || options.diameter) {
    const std::vector<NodeId> label = weak_labels(out);
    std::vector<NodeId> size(n, 0);
    for (NodeId v = 0; v < n; ++v) ++size[label[v]];
    NodeId best_root = 0;
    for (NodeId v = 0; v < n; ++v) {
      if (label[v] == v) {
        ++s.weak_components;
        if (size[v] > s.largest_weak_component) {
          s.largest_weak_component = size[v];
          best_root = v;
        }
      }
    }
    if (options.diameter && n > 0 && options.diameter_sweeps > 0) {
      // Start at the highest-degree node of the largest component (ties: smallest id).
      NodeId start = kNoNode;
      for (NodeId v = 0; v < n; ++v) {
        if (label[v] != best_root) continue;
        if (start == kNoNode || projection.degree(v) > projection.degree(start)) start = v;
      }
      std::vector<std::uint32_t> dist(n);
      NodeId from = start;
      for (std::uint32_t sweep = 0; sweep < options.diameter_sweeps; ++sweep) {
        const auto [ecc, far] = bfs_farthest(projection, from, dist);
        s.diameter_lower_bound = std::max(s.diameter_lower_bound, ecc);
        from = far;
      }
      s.diameter_sweeps = options.diameter_sweeps;
    }
  }
  if (options.strong_components) {
    const auto [count, largest] = strong_components(out);
    s.strong_components = count;
    s.largest_strong_component = largest;
  }
  return s;
}

std::string format_stats(const GraphStats& s) {
  char buf[256];
  std::string out;
  auto line = [&](const char* fmt, auto... args) {
    std::snprintf(buf, sizeof buf, fmt, args...);
    out += buf;
    out += '\n';
  };
  line("nodes                  %u (isolated %u)", s.num_nodes, s.isolated_nodes);
  line("edges                  %llu directed (self-loops %llu), %llu undirected",
       static_cast<unsigned long long>(s.num_edges), static_cast<unsigned long long>(s.self_loops),
       static_cast<unsigned long long>(s.undirected_edges));
  line("out-degree             mean %.4g, sd %.4g, max %llu", s.out_degree.mean,
       std::sqrt(s.out_degree.variance), static_cast<unsigned long long>(s.out_degree.max));
  line("in-degree              mean %.4g, sd %.4g, max %llu", s.in_degree.mean,
       std::sqrt(s.in_degree.variance), static_cast<unsigned long long>(s.in_degree.max));
  line("reciprocity            %.4f", s.reciprocity);
  line("clustering (undirected) average %.4f, transitivity %.4f, triangles %llu",
       s.average_clustering, s.transitivity, static_cast<unsigned long long>(s.triangles));
  line("assortativity          out-in %.4f, undirected %.4f", s.assortativity,
       s.undirected_assortativity);
  line("cross-country edges    %.4f (countries %u)", s.cross_country_share, s.num_countries);
  line("cross-community edges  %.4f", s.cross_community_share);
  line("weak components        %u (largest %u)", s.weak_components, s.largest_weak_component);
  line("strong components      %u (largest %u)", s.strong_components, s.largest_strong_component);
  line("diameter               >= %u (%u BFS sweeps, undirected)", s.diameter_lower_bound,
       s.diameter_sweeps);
  return out;
}

}  // namespace dipsim::graph
