package rpc

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"

	"example.com/ctx/pb"
)

type VisitsService struct {
	pb.UnimplementedVisitsServer
	pool *pgxpool.Pool
}

func (s *VisitsService) GetVisits(ctx context.Context, req *pb.GetVisitsRequest) (*pb.GetVisitsResponse, error) {
	var n int64
	err := s.pool.QueryRow(context.Background(), "SELECT count(*) FROM visits WHERE path = $1", req.Path).Scan(&n) // want `pgxpool.Pool.QueryRow in a gRPC method runs under context.Background\(\)`
	go func() {
		_, _ = s.pool.Exec(ctx, "UPDATE stats SET reads = reads + 1") // want `pgxpool.Pool.Exec in a goroutine uses the request's context`
	}()
	go func() {
		_, _ = s.pool.Exec(context.WithoutCancel(ctx), "UPDATE stats SET reads = reads + 1")
	}()
	_ = s.pool.QueryRow(ctx, "SELECT 1")
	return &pb.GetVisitsResponse{Count: n}, err
}

func (s *VisitsService) WatchVisits(req *pb.GetVisitsRequest, stream pb.Visits_WatchVisitsServer) error {
	go func() {
		_, _ = s.pool.Exec(stream.Context(), "UPDATE stats SET watches = watches + 1") // want `in a goroutine uses the request's context`
	}()
	_, err := s.pool.Exec(context.Background(), "SELECT 1") // want `in a gRPC method runs under context.Background\(\)`
	return err
}

// Helper has a gRPC method's shape but is not one of the service's methods.
func (s *VisitsService) Helper(ctx context.Context, req *pb.GetVisitsRequest) (*pb.GetVisitsResponse, error) {
	_, err := s.pool.Exec(context.Background(), "SELECT 1")
	return nil, err
}

// Cache looks like a service but implements no service interface.
type Cache struct{ pool *pgxpool.Pool }

func (c *Cache) GetVisits(ctx context.Context, req *pb.GetVisitsRequest) (*pb.GetVisitsResponse, error) {
	_, err := c.pool.Exec(context.Background(), "SELECT 1")
	return nil, err
}
