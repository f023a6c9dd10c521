// Package pb is what protoc-gen-go-grpc writes for a service, cut down.
package pb

import (
	"context"

	"google.golang.org/grpc"
)

type GetVisitsRequest struct{ Path string }
type GetVisitsResponse struct{ Count int64 }

type VisitsServer interface {
	GetVisits(context.Context, *GetVisitsRequest) (*GetVisitsResponse, error)
	WatchVisits(*GetVisitsRequest, Visits_WatchVisitsServer) error
	mustEmbedUnimplementedVisitsServer()
}

type Visits_WatchVisitsServer interface {
	Send(*GetVisitsResponse) error
	grpc.ServerStream
}

type UnimplementedVisitsServer struct{}

func (UnimplementedVisitsServer) GetVisits(context.Context, *GetVisitsRequest) (*GetVisitsResponse, error) {
	return nil, nil
}
func (UnimplementedVisitsServer) WatchVisits(*GetVisitsRequest, Visits_WatchVisitsServer) error {
	return nil
}
func (UnimplementedVisitsServer) mustEmbedUnimplementedVisitsServer() {}

var Visits_ServiceDesc = grpc.ServiceDesc{ServiceName: "visits.Visits"}

func RegisterVisitsServer(s grpc.ServiceRegistrar, srv VisitsServer) {
	s.RegisterService(&Visits_ServiceDesc, srv)
}
